// Mistakes anyone makes on the command line, as one line each instead of a stack trace: a
// --db (or DATABASE_PATH) that names a file SQLite cannot use. The store throws SQLite's own
// error; the CLI, which knows which path it was given, names it and says what to do.
import path from 'node:path';
import { DATABASE_FILE_ADVICE, databaseFileProblem } from '../db-busy.ts';
import { VerdictsError } from '../errors.ts';
import type { CliIo } from './context.ts';

/** The database path a command was given: `--db`, else DATABASE_PATH, else the default. */
function databasePath(argv: readonly string[], io: Pick<CliIo, 'env' | 'cwd'>): string {
  let given: string | undefined;
  argv.forEach((a, i) => {
    if (a === '--db') given = argv[i + 1];
    else if (a.startsWith('--db=')) given = a.slice('--db='.length);
  });
  const env = io.env.DATABASE_PATH?.trim();
  return path.resolve(io.cwd, given ?? (env || '.verdicts/verdicts.db'));
}

/** A VerdictsError for an ordinary mistake behind `e`, or undefined when it is not one. */
export function ordinaryError(
  e: unknown,
  argv: readonly string[],
  io: Pick<CliIo, 'env' | 'cwd'>,
): VerdictsError | undefined {
  const problem = databaseFileProblem(e);
  if (problem === undefined) return undefined;
  return new VerdictsError(
    'store',
    'not_a_database',
    `${databasePath(argv, io)} ${problem}: ${DATABASE_FILE_ADVICE}`,
  );
}
