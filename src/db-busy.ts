// SQLite's "another connection holds the write lock" errors, after busy_timeout has waited
// them out: a paused, stuck or very slow process on the same database file. Not a bug in the
// process that meets it, and nothing is lost by stopping: the caller reports it plainly.
export const BUSY_WAIT_SECONDS = 10;

export function isDatabaseBusy(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code === 'SQLITE_LOCKED');
}

export const DATABASE_BUSY_MESSAGE = `the database stayed locked by another process for over ${BUSY_WAIT_SECONDS} s (a verdicts command paused, stopped or stuck?)`;
