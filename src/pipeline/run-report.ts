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
  /** Batches failed, are uncertain, or the provider stopped the run; a rerun resumes. */
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
};

/**
 * The process exit status for `verdicts run`: 0 when nothing is left for this run to do, 1 for
 * bad data (nothing sent), 3 when the send is incomplete and a rerun would resume it.
 */
export function exitCodeFor(outcome: RunOutcome): number {
  switch (outcome) {
    case 'sent':
    case 'already-sent':
    case 'no-pairs':
    case 'no-subscribers':
    case 'busy':
      return 0;
    case 'refused':
    case 'data-error':
    case 'error':
      return 1;
    case 'interrupted':
    case 'incomplete':
      return 3;
  }
}

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
