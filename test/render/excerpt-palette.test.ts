import { describe, expect, it } from 'vitest';
import { excerpt, sentences } from '../../src/render/excerpt.ts';
import { contrastRatio, GRAPHIC_PAIRS, palette, TEXT_PAIRS } from '../../src/render/palette.ts';
import { EXCERPT_CHARS } from '../../src/render/view-model.ts';
import { seedIssue } from '../support/issue-fixtures.ts';

describe('excerpt', () => {
  it('keeps short text whole and collapses whitespace', () => {
    expect(excerpt('Short and sweet.')).toBe('Short and sweet.');
    expect(excerpt('line\n  break   text')).toBe('line break text');
  });

  it('is whole sentences in order, never a cut word with …', () => {
    const text = `A first sentence that is long enough to stand alone here. ${'More words follow. '.repeat(20)}`;
    const out = excerpt(text, 100);
    expect(out).toBe(
      'A first sentence that is long enough to stand alone here. More words follow. More words follow.',
    );
    expect(out.endsWith('…')).toBe(false);
    // One sentence longer than the budget stays whole rather than being cut.
    const long = `${'word '.repeat(60)}end. Second sentence.`;
    expect(excerpt(long, 160)).toBe(`${'word '.repeat(60)}end.`);
  });

  it("prefers the sentence that states the verdict's reason", () => {
    const skip =
      'There is no business here. Meta gives the weights away. The buyer is someone else. Skip as a standalone business bet; ship as infrastructure.';
    const out = excerpt(skip, 80, 'skip');
    expect(out).toContain('Skip as a standalone business bet; ship as infrastructure.');
    expect(out.startsWith('There is no business here.')).toBe(false);
    expect(excerpt(skip, 100, 'skip')).toBe(
      'There is no business here. Skip as a standalone business bet; ship as infrastructure.',
    );
    // Sentences with no verdict cue never fill the space: the set-up says nothing of why.
    const ship = 'It runs locally. It is small. Earned the ship because it just works.';
    expect(excerpt(ship, 56, 'ship')).toBe('Earned the ship because it just works.');
    // A quote with no cue at all keeps its opening sentences.
    expect(excerpt('It runs locally. It is small. Nothing more to say here.', 30, 'ship')).toBe(
      'It runs locally. It is small.',
    );
  });

  it('reads a negated moat as a reason to skip, not to ship', () => {
    const text =
      'The buyer is someone else. The model itself is not the moat. Their moat is the Hub, which wins every deal.';
    expect(excerpt(text, 40, 'skip')).toBe('The model itself is not the moat.');
    expect(excerpt(text, 60, 'ship')).toBe('Their moat is the Hub, which wins every deal.');
  });

  it('splits sentences without breaking version numbers or names', () => {
    expect(sentences('Apache 2.0 plus Qwen2.5-Coder wins. Next one.')).toEqual([
      'Apache 2.0 plus Qwen2.5-Coder wins.',
      'Next one.',
    ]);
  });

  it("keeps the seed's only Skip verdict sentence and ends no seed excerpt in …", async () => {
    const seed = await seedIssue();
    const reviews = seed.pairs[0]!.split.flatMap((l) => l.verdicts.filter((v) => v !== null));
    expect(reviews).toHaveLength(8);
    for (const r of reviews) {
      const out = excerpt(r.quote, EXCERPT_CHARS, r.verdict);
      expect(out.endsWith('…'), out).toBe(false);
      expect(r.quote.replace(/\s+/g, ' ')).toContain(out.split('. ')[0]!);
      if (r.verdict === 'skip') {
        expect(out).toContain(
          "Skip as a standalone business bet; ship as infrastructure for someone else's product.",
        );
      }
    }
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
