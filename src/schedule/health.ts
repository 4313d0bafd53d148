// The runner's health file: what a monitor (or an operator with `cat`) reads to know whether
// the weekly job ran, how it went and when it runs next. Written whole through a temp file and
// a rename, so a reader never sees half a file.
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../archive/index.ts';
import type { RunReport } from '../pipeline/index.ts';

/** A run's report (what the `run` log line says), with the slot it was for and how it started. */
export type LastRun = Pick<
  RunReport,
  | 'week'
  | 'pairs'
  | 'recipients'
  | 'sent'
  | 'skipped'
  | 'failed'
  | 'uncertain'
  | 'elapsedMs'
  | 'message'
> & {
  slot: string;
  trigger: 'schedule' | 'catch-up' | 'manual';
  startedAt: string;
  finishedAt: string;
  /** RunOutcome; a string so an older health file still reads. */
  outcome: string;
};

export type Health = {
  pid: number;
  /** active: holds the schedule lease and runs slots; standby: another runner holds it. */
  state: 'starting' | 'active' | 'standby' | 'stopped';
  schedule: string;
  timezone: string;
  nextRun: string | null;
  lastRun: LastRun | null;
  updatedAt: string;
};

export async function writeHealth(file: string, health: Health): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(health, null, 2)}\n`);
}

/** The previous health file's last run, so a restart does not forget it (null if none). */
export async function readLastRun(file: string): Promise<LastRun | null> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<Health>;
    return parsed.lastRun ?? null;
  } catch {
    return null;
  }
}

/** The report's fields the health file keeps. */
export const reportFields = (
  r: RunReport,
): Omit<LastRun, 'slot' | 'trigger' | 'startedAt' | 'finishedAt'> => ({
  week: r.week,
  outcome: r.outcome,
  pairs: r.pairs,
  recipients: r.recipients,
  sent: r.sent,
  skipped: r.skipped,
  failed: r.failed,
  uncertain: r.uncertain,
  elapsedMs: r.elapsedMs,
  message: r.message,
});
