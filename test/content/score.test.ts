import { describe, expect, it } from 'vitest';
import { scorePair } from '../../src/content/score.ts';
import { comparison, content } from '../support/content-factory.ts';

const score = (
  verdicts: string[],
  votes?: Record<string, number>,
  extra?: Record<string, number>,
) => {
  const c = comparison('x', '2026-11-24', ['a', 'b'], verdicts, votes ? { votes } : {});
  return scorePair(c, content([c]), extra);
};

describe('scores', () => {
  it('computes panel ship share exactly and rounds only for display', () => {
    const s = score(['ship/ship', 'ship/skip', 'skip/skip']);
    expect(s.tools[0].shipShare).toBeCloseTo(2 / 3, 12);
    expect(s.tools[0].shipPercent).toBe(67);
    expect(s.tools[1].shipPercent).toBe(33);
    expect(s.verdictLine).toBe('A leads the panel: 2 of 3 ship against 1 of 3.');
  });

  it('shows no community score with zero votes', () => {
    const s = score(['ship/ship']);
    expect(s.totalVotes).toBe(0);
    expect(s.tools.map((t) => t.communityShare)).toEqual([null, null]);
    expect(s.tools.map((t) => t.communityPercent)).toEqual([null, null]);
  });

  it('reports a panel tie, broken by nothing when votes are level too', () => {
    const tie = score(['ship/ship', 'skip/skip']);
    expect(tie.verdictLine).toBe('A panel tie: both at 50% ship.');
    const level = score(['ship/ship'], { a: 3, b: 3 });
    expect(level.tools.map((t) => t.communityPercent)).toEqual([50, 50]);
    expect(level.verdictLine).toBe('A panel tie: both at 100% ship.');
  });

  it('mentions where the community leans on a panel tie', () => {
    const s = score(['ship/ship', 'skip/skip'], { a: 1 }, { a: 1, b: 6 });
    expect(s.tools.map((t) => t.votes)).toEqual([2, 6]);
    expect(s.tools[1].communityShare).toBe(0.75);
    expect(s.verdictLine).toBe('A panel tie: both at 50% ship; the community leans B (75%).');
  });

  it('keeps the reviewer split per lens and tool', () => {
    const s = score(['ship/ship', 'ship/ship', 'ship/ship', 'ship/skip']);
    expect(s.split.map((l) => l.lensName)).toEqual([
      'The Builder',
      'The Skeptic',
      'The Futurist',
      'The Buyer',
    ]);
    expect(s.split[3]!.verdicts.map((v) => v?.verdict)).toEqual(['ship', 'skip']);
  });
});
