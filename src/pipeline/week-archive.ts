// "Build it if it is missing", decided in one place: the archive a send sends from. A frozen
// week is read as archived, whatever the data files say now; an unfrozen one is built when it
// has no archive, or rebuilt when the caller asks (the weekly job builds with its slot as the
// cutoff). The archive is then read once, hash-checked, for everything the send needs.
import { type ArchivedEmail, readArchive, readArchivedEmail } from '../archive/index.ts';
import { formatWeek, type Issue, type Week } from '../content/index.ts';
import type { Pipeline } from './open-pipeline.ts';
import type { PrepareProblem } from './prepare-week.ts';

export type WeekArchive =
  | { status: 'ready'; archived: ArchivedEmail; built: { dir: string; issue: Issue } | null }
  | { status: 'no-pairs'; week: string }
  | { status: 'problems'; week: string; problem: PrepareProblem };

export type ArchiveWhen = 'missing' | 'unfrozen';

export async function weekArchive(
  p: Pipeline,
  week: Week,
  opts: { build: ArchiveWhen; at: Date },
): Promise<WeekArchive> {
  const id = formatWeek(week);
  const issuesDir = p.settings.issuesDir;
  const frozen = await p.isFrozen(id);
  const existing = frozen || opts.build === 'missing' ? await readArchive(issuesDir, id) : null;
  if (existing) return { status: 'ready', archived: existing, built: null };
  let built: { dir: string; issue: Issue } | null = null;
  if (!frozen) {
    // Loaded only when needed: rendering (MJML) more than doubles the sender's memory.
    const { buildWeek } = await import('./build-week.ts');
    const res = await buildWeek(p, week, { at: opts.at });
    if (res.status === 'no-pairs' || res.status === 'problems') return res;
    // 'frozen': another sender froze it since our check; send what it archived.
    if (res.status === 'built') built = { dir: res.dir, issue: res.issue };
  }
  // A frozen week whose archive was deleted is not rebuilt: this read names what is missing.
  return { status: 'ready', archived: await readArchivedEmail(issuesDir, id), built };
}
