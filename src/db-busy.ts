// SQLite's "another connection holds the write lock" errors, after busy_timeout has waited
// them out: a paused, stuck or very slow process on the same database file. Not a bug in the
// process that meets it, and nothing is lost by stopping: the caller reports it plainly.
export const BUSY_WAIT_SECONDS = 10;

export function isDatabaseBusy(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code === 'SQLITE_LOCKED');
}

export const DATABASE_BUSY_MESSAGE = `the database stayed locked by another process for over ${BUSY_WAIT_SECONDS} s (a verdicts command paused, stopped or stuck?)`;

/**
 * SQLite refusing the file it was pointed at (--db or DATABASE_PATH): a mistake in the input,
 * not a bug. What is wrong with the file, or undefined for any other error.
 */
export function databaseFileProblem(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? FILE_PROBLEMS[code] : undefined;
}

const FILE_PROBLEMS: Record<string, string> = {
  SQLITE_NOTADB: 'is not a SQLite database (SQLITE_NOTADB)',
  SQLITE_CORRUPT: 'is a damaged SQLite database (SQLITE_CORRUPT)',
  SQLITE_CANTOPEN:
    'cannot be opened as a database, a folder or in a folder that does not exist (SQLITE_CANTOPEN)',
};

export const DATABASE_FILE_ADVICE =
  'point --db or DATABASE_PATH at the verdicts database, or at a new file to start one';
