import { describe, expect, it } from 'vitest';
import { excerpt } from '../../src/render/excerpt.ts';
import { contrastRatio, GRAPHIC_PAIRS, palette, TEXT_PAIRS } from '../../src/render/palette.ts';

describe('excerpt', () => {
  it('keeps short text, prefers the first sentence, else cuts on a word boundary with …', () => {
    expect(excerpt('Short and sweet.')).toBe('Short and sweet.');
    const two = `${'A first sentence that is long enough to stand alone here.'} ${'More words. '.repeat(20)}`;
    expect(excerpt(two)).toBe('A first sentence that is long enough to stand alone here.');
    const long = `${'word '.repeat(60)}end.`;
    const cut = excerpt(long, 160);
    expect(cut.endsWith('word…')).toBe(true);
    expect(cut.length).toBeLessThanOrEqual(161);
    expect(excerpt('line\n  break   text')).toBe('line break text');
  });
});

describe('palette contrast (WCAG AA)', () => {
  it('computes known ratios', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`${scheme}: every text colour reaches 4.5:1 and the bar 3:1`, () => {
      const s = palette[scheme];
      for (const [fg, bg] of TEXT_PAIRS) {
        expect(contrastRatio(s[fg], s[bg]), `${scheme} ${fg} on ${bg}`).toBeGreaterThanOrEqual(4.5);
      }
      for (const [fg, bg] of GRAPHIC_PAIRS) {
        expect(contrastRatio(s[fg], s[bg]), `${scheme} ${fg} vs ${bg}`).toBeGreaterThanOrEqual(3);
      }
    });
  }
});
