// The weeks the sidebar lists: every archived issue, plus drafts for the current and next
// week with the pairs they would carry (planIssue, as `verdicts pairs` shows them).
import { listArchivedWeeks, readArchivedIssue } from '../../archive/list-issues.ts';
import type { Config } from '../../config.ts';
import { formatWeek, nextWeek, type Week, weekOf } from '../../content/week.ts';
import type { ContentResult } from './draft-content.ts';
import { planDraft } from './plan-draft.ts';

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

export type WeekListInput = {
  config: Config;
  now: Date;
  content: () => Promise<ContentResult>;
};

export function currentWeek(now: Date, zone: string): Week {
  return weekOf(now, zone);
}

export async function listWeeks(input: WeekListInput): Promise<WeekEntry[]> {
  const { config } = input;
  const zone = config.NEWSLETTER_TIMEZONE;
  const current = currentWeek(input.now, zone);
  const next = nextWeek(current, zone);
  const when = new Map<string, string>([
    [formatWeek(current), 'this week'],
    [formatWeek(next), 'next week'],
  ]);
  const entries: WeekEntry[] = [];
  let archivedWeeks: string[] = [];
  try {
    archivedWeeks = await listArchivedWeeks(config.ISSUES_DIR);
  } catch {
    // An unreadable archive folder lists no archived weeks; the week page says why.
  }
  for (const week of archivedWeeks) {
    const base = { week, kind: 'archived' as const, when: when.get(week) ?? null };
    try {
      const issue = await readArchivedIssue(config.ISSUES_DIR, week);
      entries.push({
        ...base,
        number: issue?.number ?? null,
        titles: issue?.pairs.map((p) => p.headline) ?? [],
        note: null,
      });
    } catch {
      entries.push({ ...base, number: null, titles: [], note: 'unreadable archive' });
    }
  }
  for (const week of [current, next]) {
    const id = formatWeek(week);
    if (archivedWeeks.includes(id)) continue;
    entries.push(await draftEntry(input, week, current, when.get(id) ?? null));
  }
  return entries.sort((a, b) => (a.week < b.week ? 1 : a.week > b.week ? -1 : 0));
}

async function draftEntry(input: WeekListInput, week: Week, current: Week, when: string | null) {
  const base = { week: formatWeek(week), kind: 'draft' as const, when };
  const content = await input.content();
  if (!content.ok) return { ...base, number: null, titles: [], note: 'data has errors' };
  try {
    const { issue } = await planDraft({
      config: input.config,
      content: content.value.content,
      week,
      current,
    });
    if (!issue) return { ...base, number: null, titles: [], note: 'no new pairs' };
    return {
      ...base,
      number: issue.number,
      titles: issue.pairs.map((p) => p.headline),
      note: null,
    };
  } catch {
    return { ...base, number: null, titles: [], note: 'unreadable archive' };
  }
}
