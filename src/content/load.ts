// The I/O edge of content: read every data file under a folder, then parse it purely.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { VerdictsError } from '../errors.ts';
import { type LoadedContent, parseContent } from './parse-content.ts';
import type { SourceFile } from './parse-file.ts';
import { formatProblem } from './problem.ts';

export async function readDataFiles(dir: string): Promise<SourceFile[]> {
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
    files.map(async (p) => ({ path: p, text: await readFile(path.join(dir, p), 'utf8') })),
  );
}

/** Load and validate the content, or throw one error that lists every problem. */
export async function loadContent(dir: string): Promise<LoadedContent> {
  const parsed = parseContent(await readDataFiles(dir));
  if (parsed.ok) return parsed.value;
  const details = parsed.error.map((p) => formatProblem({ ...p, file: path.join(dir, p.file) }));
  throw new VerdictsError(
    'content',
    'invalid_content',
    `${parsed.error.length} problem${parsed.error.length === 1 ? '' : 's'} in ${dir}`,
    details,
  );
}
