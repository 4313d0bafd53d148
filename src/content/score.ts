// Verdict scores for a pair: panel ship share, reviewer split, community share, one-line verdict.
// Exact fractions stay in the data; rounding happens once, for display. Pure.
import type { LensSplit, PairScore, ToolScore } from './issue.ts';
import type { Comparison, Content, Tool } from './schema.ts';

/** Extra community votes (e.g. from the subscriber store), keyed by tool id. */
export type VoteCounts = Readonly<Record<string, number>>;

export function scorePair(c: Comparison, content: Content, extraVotes: VoteCounts = {}): PairScore {
  const votesFor = (id: string) => (c.votes?.[id] ?? 0) + (extraVotes[id] ?? 0);
  const totalVotes = votesFor(c.tools[0]) + votesFor(c.tools[1]);
  const tools = c.tools.map((id) => {
    const tool = content.tools.get(id);
    if (!tool) throw new Error(`scorePair: tool "${id}" not in content (validate first)`);
    return toolScore(tool, c, votesFor(id), totalVotes);
  }) as [ToolScore, ToolScore];
  const split: LensSplit[] = content.lenses
    .filter((lens) => c.reviews.some((r) => r.lens === lens.id))
    .map((lens) => ({
      lensId: lens.id,
      lensName: lens.name,
      question: lens.question,
      verdicts: c.tools.map((toolId) => {
        const r = c.reviews.find((x) => x.lens === lens.id && x.tool === toolId);
        if (!r) return null;
        return { toolId, verdict: r.verdict, quote: r.quote, ...(r.pull ? { pull: r.pull } : {}) };
      }),
    }));
  return {
    id: c.id,
    headline: c.headline,
    ...(c.intro === undefined ? {} : { intro: c.intro }),
    publishedAt: c.publishedAt,
    ...(c.editorNote === undefined ? {} : { editorNote: c.editorNote }),
    tools,
    split,
    totalVotes,
    verdictLine: verdictLine(tools),
  };
}

function toolScore(tool: Tool, c: Comparison, votes: number, totalVotes: number): ToolScore {
  const mine = c.reviews.filter((r) => r.tool === tool.id);
  const ships = mine.filter((r) => r.verdict === 'ship').length;
  const shipShare = mine.length === 0 ? null : ships / mine.length;
  return {
    ...tool,
    ships,
    reviews: mine.length,
    shipShare,
    shipPercent: shipShare === null ? null : Math.round(shipShare * 100),
    ...communityScore(votes, totalVotes),
  };
}

/** A tool's community fields from its votes and the pair's total (shared with applyVotes). */
export function communityScore(
  votes: number,
  totalVotes: number,
): Pick<ToolScore, 'votes' | 'communityShare' | 'communityPercent'> {
  const communityShare = totalVotes === 0 ? null : votes / totalVotes;
  return {
    votes,
    communityShare,
    communityPercent: communityShare === null ? null : Math.round(communityShare * 100),
  };
}

/** Compares exact fractions (a.ships/a.reviews vs b.ships/b.reviews) without floating point. */
function comparePanel(a: ToolScore, b: ToolScore): number {
  if (a.reviews === 0 || b.reviews === 0) return a.reviews - b.reviews;
  return a.ships * b.reviews - b.ships * a.reviews;
}

export function verdictLine([a, b]: readonly [ToolScore, ToolScore]): string {
  const order = comparePanel(a, b);
  if (order !== 0) {
    const [lead, other] = order > 0 ? [a, b] : [b, a];
    return `${lead.name} leads the panel: ${lead.ships} of ${lead.reviews} ship against ${other.ships} of ${other.reviews}.`;
  }
  const panel =
    a.reviews === 0 ? 'No panel verdicts yet' : `A panel tie: both at ${a.shipPercent}% ship`;
  if (a.votes === b.votes) return `${panel}.`;
  const fan = a.votes > b.votes ? a : b;
  return `${panel}; the community leans ${fan.name} (${fan.communityPercent}%).`;
}
