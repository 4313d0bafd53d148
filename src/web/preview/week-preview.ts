// One week as the preview page shows it: the pipeline's previewWeek (archived bytes, or a
// draft through prepareWeek, personalised as the sender does), with every problem turned
// into rows naming file, field and line, paths shown relative to the working folder.
import type { Week } from '../../content/index.ts';
import { type PreviewedWeek, type PreviewProblem, previewWeek } from '../../pipeline/index.ts';
import type { Recipient } from '../../render/index.ts';
import type { PreviewDeps } from './deps.ts';
import { fromContentProblem, fromError, relativise, type ShownProblem } from './shown-problem.ts';

/** Who the preview pretends to be: never a real subscriber (id 0 exists in no table). */
export const PREVIEW_RECIPIENT: Recipient = {
  subscriberId: 0,
  email: 'preview@example.com',
  name: 'Preview Reader',
};

export type WeekPreview = Omit<PreviewedWeek, 'warnings' | 'problem'> & {
  warnings: ShownProblem[];
  problems: ShownProblem[];
};

export async function showWeek(
  deps: PreviewDeps,
  week: Week,
  opts: Omit<Parameters<typeof previewWeek>[2], 'reader'>,
): Promise<WeekPreview> {
  const { warnings, problem, ...rest } = await previewWeek(deps.pipeline, week, {
    ...opts,
    reader: PREVIEW_RECIPIENT,
  });
  const dataDir = deps.config.DATA_DIR;
  const rel = (p: ShownProblem) => relativise(p, deps.cwd);
  return {
    ...rest,
    warnings: warnings.map((p) => rel(fromContentProblem(p, dataDir, deps.cwd))),
    problems: problem ? shown(problem, dataDir, deps.cwd).map(rel) : [],
  };
}

function shown(problem: PreviewProblem, dataDir: string, cwd: string): ShownProblem[] {
  switch (problem.stage) {
    case 'content':
      return problem.problems.length > 0
        ? problem.problems.map((p) => fromContentProblem(p, dataDir, cwd))
        : fromError(problem.error, 'data');
    case 'archive':
    case 'archived':
      return fromError(problem.error, 'archive');
    case 'render':
      return fromError(problem.error, 'template');
    case 'personalise':
      return fromError(problem.error, 'render');
  }
}
