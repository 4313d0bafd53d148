// One error type for the whole project: a stage prefix, a code for exit status and tests,
// and a message a person can act on. Expected failures travel as Result values instead.
export type Stage =
  | 'config'
  | 'content'
  | 'select'
  | 'render'
  | 'archive'
  | 'store'
  | 'send'
  | 'schedule'
  | 'web'
  | 'cli';

export class VerdictsError extends Error {
  readonly stage: Stage;
  readonly code: string;
  /** Further lines (e.g. every validation problem) printed under the message. */
  readonly details: readonly string[];

  constructor(stage: Stage, code: string, message: string, details: readonly string[] = []) {
    super(`[verdicts] [${stage}] ${message}`);
    this.name = 'VerdictsError';
    this.stage = stage;
    this.code = code;
    this.details = details;
  }
}

export const isVerdictsError = (e: unknown): e is VerdictsError => e instanceof VerdictsError;
