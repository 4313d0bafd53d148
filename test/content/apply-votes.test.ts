import { describe, expect, it } from 'vitest';
import { applyVotes } from '../../src/content/apply-votes.ts';
import type { Issue } from '../../src/content/issue.ts';
import { scorePair } from '../../src/content/score.ts';
import { comparison, content } from '../support/content-factory.ts';

const pairs = [
  comparison('x', '2026-11-24', ['a', 'b'], ['ship/ship', 'skip/skip'], { votes: { a: 1 } }),
  comparison('y', '2026-11-25', ['c', 'd'], ['ship/skip']),
];
const data = content(pairs);
const issue = (extra: Record<string, Record<string, number>> = {}): Issue => ({
  week: '2026-W48',
  number: 1,
  cutoff: '2026-11-30T00:00:00.000Z',
  timeZone: 'UTC',
  pairs: pairs.map((c) => scorePair(c, data, extra[c.id])) as Issue['pairs'],
});

describe('applyVotes', () => {
  it('gives the same scores as scoring with the stored votes as extraVotes', () => {
    const counts = { x: { a: 1, b: 6 }, y: { d: 2 } };
    expect(applyVotes(issue(), new Map(Object.entries(counts)))).toEqual(issue(counts));
    const x = applyVotes(issue(), new Map(Object.entries(counts))).pairs[0]!;
    expect(x.tools.map((t) => t.communityPercent)).toEqual([25, 75]);
    expect(x.verdictLine).toBe('A panel tie: both at 50% ship; the community leans B (75%).');
  });

  it('leaves pairs without stored votes as they are, and ignores tools outside the pair', () => {
    const base = issue();
    const out = applyVotes(base, new Map([['x', { zzz: 5 }]]));
    expect(out.pairs[0]).toEqual(base.pairs[0]);
    expect(out.pairs[1]).toBe(base.pairs[1]);
    expect(applyVotes(base, new Map())).toEqual(base);
  });

  it('does not change its input', () => {
    const base = issue();
    const copy = structuredClone(base);
    applyVotes(base, new Map([['y', { c: 3 }]]));
    expect(base).toEqual(copy);
  });
});
