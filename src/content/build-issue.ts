// Content + week -> Issue: select the pairs, score them. Pure; the caller supplies the
// carried set (from the archive), the issue number and any stored community votes.
import type { Issue } from './issue.ts';
import type { Content } from './schema.ts';
import { scorePair, type VoteCounts } from './score.ts';
import { type Selection, selectPairs } from './select.ts';
import { formatWeek, type Week } from './week.ts';

export type BuildIssueInput = {
  content: Content;
  week: Week;
  zone: string;
  carried: ReadonlySet<string>;
  maxPairs: number;
  number: number;
  asOf?: Date;
  votes?: ReadonlyMap<string, VoteCounts>;
};

export type BuiltIssue = { issue: Issue | null; selection: Selection };

/** `issue` is null when the week has no new pairs: no issue that week. */
export function buildIssue(input: BuildIssueInput): BuiltIssue {
  const selection = selectPairs(input.content.comparisons, {
    week: input.week,
    zone: input.zone,
    carried: input.carried,
    maxPairs: input.maxPairs,
    ...(input.asOf ? { asOf: input.asOf } : {}),
  });
  if (selection.pairs.length === 0) return { issue: null, selection };
  return {
    selection,
    issue: {
      week: formatWeek(input.week),
      number: input.number,
      cutoff: selection.cutoff.toISOString(),
      timeZone: input.zone,
      pairs: selection.pairs.map((c) => scorePair(c, input.content, input.votes?.get(c.id))),
    },
  };
}
