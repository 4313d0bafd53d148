// Panel vs readers, over every issue: how often the community's favourite in a pair is the
// panel's leader, and which lens picks what readers pick most often. A lens "picks" a tool
// when it ships that one and skips the other; a pair counts only where readers voted and did
// not tie. Pure: reports and issues in, shares out.
import type { Issue, PairScore } from '../content/index.ts';
import type { IssueReport } from './issue-report.ts';

export type Agreement = { pairs: number; agreed: number; share: number | null };
export type LensAgreement = Agreement & { lensId: string; lensName: string };
export type PanelVsReaders = {
  /** Pairs with a panel leader and a community favourite. */
  overall: Agreement;
  /** Best predictor first. */
  lenses: LensAgreement[];
  /** The lens (or lenses, on a tie) whose picks match readers' most often; empty without data. */
  bestLenses: string[];
};

const agreement = (pairs: number, agreed: number): Agreement => ({
  pairs,
  agreed,
  share: pairs === 0 ? null : Math.round((agreed / pairs) * 10_000) / 10_000,
});

/** The tool a lens ships while skipping the other, or null. */
export function lensPick(pair: PairScore, lensId: string): string | null {
  const split = pair.split.find((l) => l.lensId === lensId);
  const [a, b] = split?.verdicts ?? [];
  if (!a || !b || a.verdict === b.verdict) return null;
  return a.verdict === 'ship' ? a.toolId : b.toolId;
}

export function panelVsReaders(
  reports: readonly IssueReport[],
  issues: readonly Issue[],
): PanelVsReaders {
  const byWeek = new Map(issues.map((i) => [i.week, i]));
  let pairs = 0;
  let agreed = 0;
  const lenses = new Map<string, { lensName: string; pairs: number; agreed: number }>();
  for (const report of reports) {
    const issue = byWeek.get(report.week);
    for (const v of report.votes) {
      const pair = issue?.pairs.find((p) => p.id === v.pairId);
      if (!pair || v.communityFavourite === null) continue;
      if (v.panelLeader !== null) {
        pairs++;
        if (v.agrees) agreed++;
      }
      for (const l of pair.split) {
        const entry = lenses.get(l.lensId) ?? { lensName: l.lensName, pairs: 0, agreed: 0 };
        const pick = lensPick(pair, l.lensId);
        if (pick !== null) {
          entry.pairs++;
          if (pick === v.communityFavourite) entry.agreed++;
        }
        lenses.set(l.lensId, entry);
      }
    }
  }
  const lensRows = [...lenses.entries()]
    .map(([lensId, l]) => ({ lensId, lensName: l.lensName, ...agreement(l.pairs, l.agreed) }))
    .sort(
      (a, b) =>
        (b.share ?? -1) - (a.share ?? -1) || b.pairs - a.pairs || a.lensId.localeCompare(b.lensId),
    );
  const top = lensRows[0]?.share ?? null;
  return {
    overall: agreement(pairs, agreed),
    lenses: lensRows,
    bestLenses: top === null ? [] : lensRows.filter((l) => l.share === top).map((l) => l.lensId),
  };
}
