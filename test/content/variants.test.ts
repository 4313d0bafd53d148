// Variants of an issue: a pair belongs to both of its tools' categories; a reader's topics
// choose the pairs they meet; every subset some choice gives is known from the issue alone.
import { describe, expect, it } from 'vitest';
import {
  categorySlug,
  type Issue,
  issueVariants,
  pairsFor,
  variantChoice,
  variantIssue,
} from '../../src/content/index.ts';

const pair = (id: string, a: string, b: string) =>
  ({
    id,
    headline: id,
    tools: [
      { id: `${id}-a`, category: a },
      { id: `${id}-b`, category: b },
    ],
  }) as unknown as Issue['pairs'][number];

const issue = {
  week: '2026-W49',
  number: 2,
  pairs: [
    pair('p1', 'Writing Assistants', 'Writing Assistants'),
    pair('p2', 'Image Generation', 'Image Generation'),
    pair('p3', 'Developer Tools', 'Writing Assistants'),
  ],
} as unknown as Issue;

describe('variants', () => {
  it('slugs a category name as readers choose it', () => {
    expect(categorySlug('Speech & Audio')).toBe('speech-audio');
    expect(categorySlug(' Developer Tools ')).toBe('developer-tools');
  });

  it('a reader gets the pairs whose tools meet their topics; null is everything', () => {
    expect(pairsFor(issue, null)).toEqual([0, 1, 2]);
    expect(pairsFor(issue, ['writing-assistants'])).toEqual([0, 2]);
    expect(pairsFor(issue, ['developer-tools'])).toEqual([2]);
    expect(pairsFor(issue, ['cooking'])).toEqual([]);
    expect(variantChoice(issue, null)).toEqual({ kind: 'full' });
    expect(variantChoice(issue, ['writing-assistants', 'image-generation'])).toEqual({
      kind: 'full',
    });
    expect(variantChoice(issue, ['developer-tools'])).toEqual({ kind: 'variant', id: 'pairs-3' });
    expect(variantChoice(issue, ['cooking'])).toEqual({ kind: 'none' });
    expect(variantChoice(issue, [])).toEqual({ kind: 'none' });
  });

  it('lists every subset some topics give, once, with the smallest choice that gives it', () => {
    const vs = issueVariants(issue);
    expect(vs.map((v) => [v.id, v.pairIds, v.categories])).toEqual([
      ['pairs-1-3', ['p1', 'p3'], ['writing-assistants']],
      ['pairs-2', ['p2'], ['image-generation']],
      ['pairs-2-3', ['p2', 'p3'], ['developer-tools', 'image-generation']],
      ['pairs-3', ['p3'], ['developer-tools']],
    ]);
    // Whatever a reader picks, the choice is one of them (or full, or none).
    const cats = ['writing-assistants', 'image-generation', 'developer-tools', 'cooking'];
    for (let mask = 0; mask < 16; mask++) {
      const c = variantChoice(
        issue,
        cats.filter((_, i) => mask & (1 << i)),
      );
      if (c.kind === 'variant') expect(vs.map((v) => v.id)).toContain(c.id);
    }
    expect(variantIssue(issue, vs[0]!).pairs.map((p) => p.id)).toEqual(['p1', 'p3']);
    expect(variantIssue(issue, vs[0]!).number).toBe(2);
  });

  it('a week of one category has no variant', () => {
    expect(issueVariants({ pairs: [pair('p1', 'A', 'A'), pair('p2', 'A', 'A')] })).toEqual([]);
  });
});
