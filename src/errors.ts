// One error type for the whole project: a stage prefix, a code for exit status and tests,
// and a message a person can act on. Expected failures travel as Result values instead.
// Each stage's codes are a closed union, so `e.code === 'week_frozen'` is checked by the
// compiler: a misspelt or retired code is a type error, not a branch that never runs.
export type ErrorCodes = {
  config: 'invalid_config';
  content: 'data_dir_unreadable' | 'invalid_content';
  select: never;
  render:
    | 'template_failed'
    | 'template_missing'
    | 'mjml_invalid'
    | 'email_too_large'
    | 'no_unsubscribe_placeholder';
  archive: 'invalid_issue' | 'not_archived' | 'hash_mismatch' | 'week_frozen';
  store:
    | 'db_open_failed'
    | 'db_too_new'
    | 'db_unreachable'
    | 'db_auth_failed'
    | 'db_missing'
    | 'db_unavailable'
    | 'not_a_database'
    | 'bad_csv'
    | 'csv_not_found'
    | 'not_a_file'
    | 'interrupted';
  send:
    | 'lease_held'
    | 'archive_changed'
    | 'test_bad_address'
    | 'test_transport'
    | 'unsafe_settings'
    | 'missing_api_key';
  schedule: 'bad_schedule' | 'bad_fake_now';
  web: 'listen_failed' | 'dev_token_secret';
  cli: 'bad_port' | 'bad_week' | 'invalid_email' | 'no_database' | 'bad_folder';
};

export type Stage = keyof ErrorCodes;
export type ErrorCode<S extends Stage = Stage> = ErrorCodes[S];

export class VerdictsError<S extends Stage = Stage> extends Error {
  readonly stage: S;
  readonly code: ErrorCodes[S];
  /** Further lines (e.g. every validation problem) printed under the message. */
  readonly details: readonly string[];

  constructor(stage: S, code: ErrorCodes[S], message: string, details: readonly string[] = []) {
    super(`[verdicts] [${stage}] ${message}`);
    this.name = 'VerdictsError';
    this.stage = stage;
    this.code = code;
    this.details = details;
  }

  /** The message without its `[verdicts] [stage]` prefix, for a sentence of a report. */
  get reason(): string {
    return this.message.slice(`[verdicts] [${this.stage}] `.length);
  }
}

export const isVerdictsError = (e: unknown): e is VerdictsError => e instanceof VerdictsError;

/**
 * A server that could not bind, as one line: the address, and for the ordinary causes (port in
 * use, no permission) what to do. `setting` names the environment variable behind the port.
 */
export function listenFailed(
  e: unknown,
  host: string,
  port: number,
  setting: string,
): VerdictsError<'web'> {
  const code = (e as NodeJS.ErrnoException).code;
  const why =
    code === 'EADDRINUSE'
      ? `port ${port} is already in use (another verdicts serve or preview?): stop it, or pick another with --port or ${setting} (--port 0 picks a free one)`
      : code === 'EACCES'
        ? `no permission to listen on port ${port}: use a port above 1023 with --port or ${setting}`
        : code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND'
          ? `${host} is not an address of this machine: set --host or HOST`
          : (e as Error).message;
  return new VerdictsError('web', 'listen_failed', `cannot listen on ${host}:${port}: ${why}`);
}
