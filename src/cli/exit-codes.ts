// One exit-code table for `send`, `run` and `schedule`, so a script can tell "retry later"
// from "fix something". The README's table is this one; test/cli/exit-codes.test.ts has a
// case per row.

import { isDatabaseBusy } from '../db-busy.ts';
import { isVerdictsError } from '../errors.ts';
import type { RunReport } from '../pipeline/index.ts';

export const EXIT = {
  /** Sent, or nothing to do (already sent, no new pairs, no active subscribers). */
  ok: 0,
  /** Bad input or settings: every problem is printed, nothing was sent. Fix, then re-run. */
  badInput: 1,
  /** A bug: the stack trace is on stderr. */
  bug: 2,
  /**
   * Incomplete and resumable: interrupted, the provider stopped the run, failed or uncertain
   * batches, the lease lost to another sender, the database kept locked by another process
   * midway, the PostgreSQL server gone midway, or an archive that no longer matches its
   * started send. Read the lines above, then run the same command again.
   */
  incomplete: 3,
  /** Another sender holds this week's lease right now (`send`; `run` says outcome=busy, 0). */
  busy: 4,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The code for an error that reached the CLI's top level. */
export function exitCodeForError(e: unknown): ExitCode {
  // Another process kept the database locked past the wait: stopped midway, resumable.
  if (isDatabaseBusy(e)) return EXIT.incomplete;
  if (!isVerdictsError(e)) return EXIT.bug;
  if (e.code === 'lease_held') return EXIT.busy;
  // SIGINT/SIGTERM stopped it before anything was written: run it again.
  if (e.code === 'interrupted') return EXIT.incomplete;
  // The send has started and stays resumable once the archive is restored from git.
  if (e.code === 'archive_changed') return EXIT.incomplete;
  // The PostgreSQL server went away mid-command: every change is one transaction, so a re-run
  // (once it is back) resumes.
  if (e.code === 'db_unavailable') return EXIT.incomplete;
  return EXIT.badInput;
}

/** `verdicts run` (and each scheduled run): its outcome in the same table. */
export function exitCodeForRun(r: Pick<RunReport, 'outcome' | 'bug'>): ExitCode {
  switch (r.outcome) {
    case 'sent':
    case 'already-sent':
    case 'no-pairs':
    case 'no-subscribers':
    // cron treats any non-zero code as a failure to report; another sender is already on it.
    case 'busy':
      return EXIT.ok;
    // The pre-send gate refused the issue: nothing frozen or sent; fix it or --accept.
    case 'refused':
    case 'data-error':
      return EXIT.badInput;
    case 'error':
      return r.bug ? EXIT.bug : EXIT.badInput;
    case 'interrupted':
    case 'incomplete':
      return EXIT.incomplete;
  }
}
