// What one run of the weekly job reports: to the log line, the health file, the CLI's exit
// status. Plain data, shared by `verdicts run` and the scheduler.
export type RunOutcome =
  /** Every recipient is submitted or skipped (by this run, or resumed by it). */
  | 'sent'
  /** The ledger says the week was sent before: nothing was built or sent. */
  | 'already-sent'
  /** No pair published before the cutoff that no other issue carries: no issue. */
  | 'no-pairs'
  /** An issue was built but there is no active subscriber: nothing frozen, nothing sent. */
  | 'no-subscribers'
  /** Another sender holds the week's send lease right now; it is sending, this run did not. */
  | 'busy'
  /** Stopped by SIGTERM/SIGINT after a checkpoint; a rerun resumes through the ledger. */
  | 'interrupted'
  /**
   * Batches failed, are uncertain, the provider stopped the run, the lease was lost, or the
   * archive of a started send was changed (restore it); a rerun resumes.
   */
  | 'incomplete'
  /** The pre-send gate refused the issue (lint findings nobody accepted): nothing frozen or sent. */
  | 'refused'
  /** The data files do not validate: nothing was built or sent. */
  | 'data-error'
  /** Anything else (build, archive, store): nothing more was sent. */
  | 'error';

export type RunReport = {
  week: string;
  outcome: RunOutcome;
  pairs: number;
  /** The week's frozen recipient list. */
  recipients: number;
  /** Submitted / skipped (no longer active) by this run; a resumed run counts only its part. */
  sent: number;
  skipped: number;
  /** Recipients in failed or uncertain batches after this run. */
  failed: number;
  uncertain: number;
  elapsedMs: number;
  /** One sentence for a person. */
  message: string;
  archiveDir: string | null;
  /** The outbox folder when the outbox transport wrote the messages. */
  outboxDir: string | null;
  /** The send's id: its outbox folders are `<send id>_<batch>…`. */
  sendId?: string;
  /** Further lines (every data problem) for the operator. */
  details?: readonly string[];
  /** The error was a bug (not bad input or settings): exit 2, not 1. */
  bug?: boolean;
};

export const emptyReport = (week: string, outcome: RunOutcome, message: string): RunReport => ({
  week,
  outcome,
  pairs: 0,
  recipients: 0,
  sent: 0,
  skipped: 0,
  failed: 0,
  uncertain: 0,
  elapsedMs: 0,
  message,
  archiveDir: null,
  outboxDir: null,
});
