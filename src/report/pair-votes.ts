// A pair's votes in one issue beside its panel: each tool's share, the panel's leader (the
// higher ship share), the readers' favourite (more votes) and whether they agree. Pure.
import type { PairScore } from '../content/index.ts';

/** n / of to four places, null when there is nothing to divide by. */
export const share = (n: number | null, of: number | null) =>
  n === null || of === null || of === 0 ? null : Math.round((n / of) * 10_000) / 10_000;

export type ToolVotes = {
  toolId: string;
  name: string;
  votes: number;
  /** Share of the pair's votes, null without votes. */
  share: number | null;
  panelShipShare: number | null;
};
export type PairVotes = {
  pairId: string;
  headline: string;
  total: number;
  tools: ToolVotes[];
  /** The tool the panel ships more often; null on a tie. */
  panelLeader: string | null;
  /** The tool readers voted for more; null without votes or on a tie. */
  communityFavourite: string | null;
  /** Whether the two agree; null when either is null. */
  agrees: boolean | null;
};

/** The tool of a pair that `score` puts ahead, or null on a tie (or missing scores). */
export function leaderOf(
  pair: PairScore,
  score: (toolIndex: 0 | 1) => number | null,
): string | null {
  const a = score(0);
  const b = score(1);
  if (a === null || b === null || a === b) return null;
  return pair.tools[a > b ? 0 : 1].id;
}

export function pairVotes(pair: PairScore, counts: Map<string, number>): PairVotes {
  const total = pair.tools.reduce((n, t) => n + (counts.get(t.id) ?? 0), 0);
  const votesOf = (i: 0 | 1) => counts.get(pair.tools[i].id) ?? 0;
  const panelLeader = leaderOf(pair, (i) => pair.tools[i].shipShare);
  const communityFavourite = total === 0 ? null : leaderOf(pair, votesOf);
  return {
    pairId: pair.id,
    headline: pair.headline,
    total,
    tools: pair.tools.map((t) => ({
      toolId: t.id,
      name: t.name,
      votes: counts.get(t.id) ?? 0,
      share: share(counts.get(t.id) ?? 0, total),
      panelShipShare: t.shipShare,
    })),
    panelLeader,
    communityFavourite,
    agrees:
      panelLeader === null || communityFavourite === null
        ? null
        : panelLeader === communityFavourite,
  };
}
