// What a week's issue would carry, given the content and what the archive already holds:
// pairs carried by any other archived issue are excluded; the number follows earlier issues.
import { readAllArchivedIssues } from '../archive/index.ts';
import {
  type BuiltIssue,
  buildIssue,
  type Content,
  compareWeeks,
  formatWeek,
  type Issue,
  parseWeek,
  recapOf,
  type VoteCounts,
  type Week,
} from '../content/index.ts';

export type PlanOptions = {
  content: Content;
  week: Week;
  issuesDir: string;
  zone: string;
  maxPairs: number;
  asOf?: Date;
  votes?: ReadonlyMap<string, VoteCounts>;
  /** Issues not archived yet that go out before this one (a preview's next-week draft). */
  before?: readonly Issue[];
};

export async function planIssue(opts: PlanOptions): Promise<BuiltIssue> {
  const id = formatWeek(opts.week);
  // The week's own archive (if any) is replaced by this plan, so it is not even read.
  const archived = await readAllArchivedIssues(opts.issuesDir, { except: id });
  const others = [...archived, ...(opts.before ?? [])].filter((i) => i.week !== id);
  const carried = new Set(others.flatMap((i) => i.pairs.map((p) => p.id)));
  const earlier = others.filter((i) => {
    const w = parseWeek(i.week);
    return w.ok && compareWeeks(w.value, opts.week) < 0;
  });
  const built = buildIssue({
    content: opts.content,
    week: opts.week,
    zone: opts.zone,
    carried,
    maxPairs: opts.maxPairs,
    number: earlier.length + 1,
    ...(opts.asOf ? { asOf: opts.asOf } : {}),
    ...(opts.votes ? { votes: opts.votes } : {}),
  });
  // Close the loop: the issue before this one, as readers voted on it since.
  const previous = earlier.at(-1);
  const recap = previous && opts.votes ? recapOf(previous, opts.votes) : [];
  if (!built.issue || recap.length === 0) return built;
  return { ...built, issue: { ...built.issue, recap } };
}
