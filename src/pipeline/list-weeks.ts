// The weeks an editor can preview: every archived issue, plus drafts for the current and next
// week with the pairs they would carry (planWeek: the plan stage of prepareWeek).
import { listArchivedWeeks, readArchivedIssue } from '../archive/index.ts';
import { formatWeek, nextWeek, type Week, weekOf } from '../content/index.ts';
import type { Pipeline } from './open-pipeline.ts';
import { type ContentLoad, planWeek } from './prepare-week.ts';

export type WeekEntry = {
  week: string;
  kind: 'archived' | 'draft';
  /** "this week", "next week", or null. */
  when: string | null;
  number: number | null;
  titles: string[];
  /** A short status when there is nothing to list: no pairs, broken data, unreadable archive. */
  note: string | null;
};

export async function listWeeks(
  p: Pipeline,
  opts: { now: Date; content: () => Promise<ContentLoad> },
): Promise<WeekEntry[]> {
  const { zone } = p.settings.plan;
  const current = weekOf(opts.now, zone);
  const next = nextWeek(current, zone);
  const when = new Map<string, string>([
    [formatWeek(current), 'this week'],
    [formatWeek(next), 'next week'],
  ]);
  const entries: WeekEntry[] = [];
  let archivedWeeks: string[] = [];
  try {
    archivedWeeks = await listArchivedWeeks(p.settings.issuesDir);
  } catch {
    // An unreadable archive folder lists no archived weeks; the week page says why.
  }
  for (const week of archivedWeeks) {
    const base = { week, kind: 'archived' as const, when: when.get(week) ?? null };
    try {
      const issue = await readArchivedIssue(p.settings.issuesDir, week);
      entries.push({
        ...base,
        number: issue?.number ?? null,
        titles: issue?.pairs.map((x) => x.headline) ?? [],
        note: null,
      });
    } catch {
      entries.push({ ...base, number: null, titles: [], note: 'unreadable archive' });
    }
  }
  for (const week of [current, next]) {
    const id = formatWeek(week);
    if (archivedWeeks.includes(id)) continue;
    entries.push(await draftEntry(p, week, current, when.get(id) ?? null, opts.content));
  }
  return entries.sort((a, b) => (a.week < b.week ? 1 : a.week > b.week ? -1 : 0));
}

async function draftEntry(
  p: Pipeline,
  week: Week,
  current: Week,
  when: string | null,
  content: () => Promise<ContentLoad>,
): Promise<WeekEntry> {
  const base = { week: formatWeek(week), kind: 'draft' as const, when, number: null, titles: [] };
  const planned = await planWeek(p, week, { current, content });
  if (planned.status === 'problems') {
    const note = planned.problem.stage === 'content' ? 'data has errors' : 'unreadable archive';
    return { ...base, note };
  }
  const { issue } = planned;
  if (!issue) return { ...base, note: 'no new pairs' };
  return { ...base, number: issue.number, titles: issue.pairs.map((x) => x.headline), note: null };
}
