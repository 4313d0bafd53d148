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
  cli: 'bad_port' | 'bad_week' | 'invalid_email';
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
