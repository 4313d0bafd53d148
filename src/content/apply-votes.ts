// The live community share of an archived issue: the archived vote counts (what the data files
// said when the issue was built) plus the votes readers cast since, re-scored with score.ts's
// own rules. Pure: the caller fetches the counts.
import type { Issue, PairScore, RecapPair, ToolScore } from './issue.ts';
import { communityScore, type VoteCounts, verdictLine } from './score.ts';

/**
 * Votes for a tool that is not in the pair are ignored (the server checks that already). Pairs
 * without stored votes come back unchanged, so an issue nobody voted on stays byte-identical.
 */
export function applyVotes(issue: Issue, countsByPair: ReadonlyMap<string, VoteCounts>): Issue {
  return {
    ...issue,
    pairs: issue.pairs.map((p) => {
      const extra = countsByPair.get(p.id);
      return extra ? withVotes(p, extra) : p;
    }),
  };
}

function withVotes(p: PairScore, extra: VoteCounts): PairScore {
  const votes = p.tools.map((t) => t.votes + (extra[t.id] ?? 0));
  const totalVotes = votes[0]! + votes[1]!;
  const tools = p.tools.map((t, i) => ({
    ...t,
    ...communityScore(votes[i]!, totalVotes),
  })) as [ToolScore, ToolScore];
  return { ...p, tools, totalVotes, verdictLine: verdictLine(tools) };
}

/** The community result of an earlier issue's pairs, for the next issue: pairs with votes only. */
export function recapOf(
  previous: Issue,
  countsByPair: ReadonlyMap<string, VoteCounts>,
): RecapPair[] {
  return applyVotes(previous, countsByPair).pairs.flatMap((p) => {
    if (p.totalVotes === 0) return [];
    const [a, b] = p.tools.map((t) => ({
      id: t.id,
      name: t.name,
      votes: t.votes,
      communityPercent: t.communityPercent ?? 0,
    })) as [RecapPair['tools'][0], RecapPair['tools'][1]];
    return [
      {
        id: p.id,
        week: previous.week,
        headline: p.headline,
        tools: [a, b],
        totalVotes: p.totalVotes,
      },
    ];
  });
}
