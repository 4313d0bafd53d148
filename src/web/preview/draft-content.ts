// Read and validate the data folder for drafts, keeping every problem (file, field, line)
// instead of throwing, so the page can list them all.

import { readDataFiles } from '../../content/load.ts';
import type { LoadedContent } from '../../content/parse-content.ts';
import { parseContent } from '../../content/parse-content.ts';
import { err, ok, type Result } from '../../result.ts';
import { fromContentProblem, fromError, type ShownProblem } from './shown-problem.ts';

export type ContentResult = Result<LoadedContent, ShownProblem[]>;

export async function loadDraftContent(dataDir: string, cwd: string): Promise<ContentResult> {
  let files: Awaited<ReturnType<typeof readDataFiles>>;
  try {
    files = await readDataFiles(dataDir);
  } catch (e) {
    return err(fromError(e, 'data'));
  }
  const parsed = parseContent(files);
  if (!parsed.ok) return err(parsed.error.map((p) => fromContentProblem(p, dataDir, cwd)));
  return ok(parsed.value);
}
