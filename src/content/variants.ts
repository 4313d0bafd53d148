// Variants of a week's issue: a reader with topics gets the subset of the week's pairs whose
// tools' categories meet those topics (a pair belongs to both of its tools' categories). Every
// subset some choice of topics can give is known from the issue alone, so the archive renders
// them all before anything is frozen, whatever readers choose meanwhile. Pure.
import { categorySlug } from './category.ts';
import type { Issue, PairScore } from './issue.ts';

/** A subset of the week's pairs (never all of them: that is the full issue). */
export type Variant = {
  /** `pairs-1-3`: the 1-based positions of its pairs in the full issue. */
  id: string;
  pairIds: string[];
  /** The week's categories whose readers (with no other topic) get exactly this subset. */
  categories: string[];
};

/** Where a reader's topics lead this week: the full issue, a variant, or nothing. */
export type VariantChoice = { kind: 'full' } | { kind: 'variant'; id: string } | { kind: 'none' };

export const pairCategories = (pair: PairScore): string[] => [
  ...new Set(pair.tools.map((t) => categorySlug(t.category))),
];

/** The categories of the week's pairs, sorted. */
export const issueCategories = (issue: Pick<Issue, 'pairs'>): string[] =>
  [...new Set(issue.pairs.flatMap(pairCategories))].sort();

/** The positions (0-based) of the pairs a reader with `topics` gets; null topics: all. */
export function pairsFor(issue: Pick<Issue, 'pairs'>, topics: readonly string[] | null): number[] {
  const all = issue.pairs.map((_, i) => i);
  if (topics === null) return all;
  const wanted = new Set(topics);
  return all.filter((i) => pairCategories(issue.pairs[i]!).some((c) => wanted.has(c)));
}

export const variantId = (positions: readonly number[]): string =>
  `pairs-${positions.map((i) => i + 1).join('-')}`;

export function variantChoice(
  issue: Pick<Issue, 'pairs'>,
  topics: readonly string[] | null,
): VariantChoice {
  const positions = pairsFor(issue, topics);
  if (positions.length === 0) return { kind: 'none' };
  if (positions.length === issue.pairs.length) return { kind: 'full' };
  return { kind: 'variant', id: variantId(positions) };
}

/**
 * Every variant some choice of topics gives (the full issue and "nothing" left out), in id
 * order: each subset of the week's categories, deduplicated by the pairs it selects. Only a
 * category's presence matters, so a week of p pairs has at most 2p categories (12 at the
 * default of 6 pairs: 4,095 subsets, each a few comparisons).
 */
export function issueVariants(issue: Pick<Issue, 'pairs'>): Variant[] {
  const cats = issueCategories(issue);
  const byId = new Map<string, Variant>();
  const add = (chosen: string[]) => {
    const positions = pairsFor(issue, chosen);
    if (positions.length === 0 || positions.length === issue.pairs.length) return;
    const id = variantId(positions);
    const v = byId.get(id);
    // Recorded: the smallest choice of categories that gives exactly this subset.
    if (!v || chosen.length < v.categories.length) {
      byId.set(id, { id, pairIds: positions.map((i) => issue.pairs[i]!.id), categories: chosen });
    }
  };
  for (let mask = 1; mask < 2 ** cats.length; mask++) {
    add(cats.filter((_, i) => Math.floor(mask / 2 ** i) % 2 === 1));
  }
  return [...byId.values()].sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
}

/** The issue a variant's readers get: its pairs only, everything else (number, recap) kept. */
export function variantIssue<T extends Issue>(issue: T, variant: Pick<Variant, 'pairIds'>): T {
  const keep = new Set(variant.pairIds);
  return { ...issue, pairs: issue.pairs.filter((p) => keep.has(p.id)) };
}
