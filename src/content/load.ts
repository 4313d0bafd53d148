// The I/O edge of content: read every data file under a folder, then parse it purely.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { VerdictsError } from '../errors.ts';
import { err, ok, type Result } from '../result.ts';
import { type LoadedContent, parseContent } from './parse-content.ts';
import type { SourceFile } from './parse-file.ts';
import { formatProblem, type Problem } from './problem.ts';
import { DEFAULT_MAX_DATA_FILE_BYTES, readBounded } from './read-bounded.ts';

export type ReadOptions = {
  /** Larger files are refused unread (DATA_FILE_MAX_BYTES). */
  maxBytes?: number;
};

/**
 * Every data file under `dir`. One that is not a regular file under the size cap comes back
 * with `refused` set (and no text), so it is reported with the other problems, never thrown.
 */
export async function readDataFiles(dir: string, opts: ReadOptions = {}): Promise<SourceFile[]> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_DATA_FILE_BYTES;
  let entries: string[];
  try {
    entries = await readdir(dir, { recursive: true });
  } catch (e) {
    throw new VerdictsError(
      'content',
      'data_dir_unreadable',
      `cannot read the data folder ${dir}: ${(e as Error).message}`,
    );
  }
  const files = entries
    .map((p) => p.split(path.sep).join('/'))
    .filter((p) => /\.(ya?ml|json)$/.test(p) && !p.startsWith('schema/'))
    .sort();
  return Promise.all(
    files.map(async (p): Promise<SourceFile> => {
      const read = await readBounded(path.join(dir, p), maxBytes, dir);
      return read.ok ? { path: p, text: read.value } : { path: p, text: '', refused: read.error };
    }),
  );
}

/** Why the data folder gave no content: one error to print, and every problem as data. */
export type ContentFailure = {
  error: VerdictsError<'content'>;
  /** Each file/field problem, paths relative to the data folder (empty when unreadable). */
  problems: Problem[];
};

/** Load and validate the content; every problem comes back as a value. */
export async function readContent(
  dir: string,
  opts: ReadOptions = {},
): Promise<Result<LoadedContent, ContentFailure>> {
  let files: SourceFile[];
  try {
    files = await readDataFiles(dir, opts);
  } catch (e) {
    if (e instanceof VerdictsError && e.stage === 'content') return err({ error: e, problems: [] });
    throw e;
  }
  const parsed = parseContent(files);
  if (parsed.ok) return ok(parsed.value);
  const details = parsed.error.map((p) => formatProblem({ ...p, file: path.join(dir, p.file) }));
  const error = new VerdictsError(
    'content',
    'invalid_content',
    `${parsed.error.length} problem${parsed.error.length === 1 ? '' : 's'} in ${dir}`,
    details,
  );
  return err({ error, problems: parsed.error });
}

/** Load and validate the content, or throw one error that lists every problem. */
export async function loadContent(dir: string, opts: ReadOptions = {}): Promise<LoadedContent> {
  const read = await readContent(dir, opts);
  if (!read.ok) throw read.error.error;
  return read.value;
}
