// The live community share of an archived issue: the archived vote counts (what the data files
// said when the issue was built) plus the votes readers cast since, re-scored with score.ts's
// own rules. Pure: the caller fetches the counts.
import type { Issue, PairScore, ToolScore } from './issue.ts';
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
