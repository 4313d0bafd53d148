import { describe, expect, it } from 'vitest';
import { gate } from '../../src/render/gate.ts';
import { findingId, type LintFinding } from '../../src/render/lint.ts';
import { a11yFindings, paletteFindings } from '../../src/render/lint-a11y.ts';
import { palette } from '../../src/render/palette.ts';

const f = (rule: LintFinding['rule'], message: string): LintFinding => ({
  id: findingId(rule, message),
  rule,
  message,
});

describe('gate', () => {
  const size = f('size', 'email HTML is 91.0 KB on the wire');
  const link = f('links', 'email.html: "http://x" is not absolute https');

  it('is clear without findings and refuses any finding nobody accepted', () => {
    expect(gate([])).toEqual({ status: 'clear', accepted: [], unused: [] });
    expect(gate([size, link], [size.id])).toEqual({
      status: 'refused',
      open: [link],
      accepted: [size],
      unused: [],
    });
  });

  it('accepts by id or by whole rule, and reports names that match nothing', () => {
    expect(gate([size, link], [size.id, 'links', 'text-deadbeef'])).toEqual({
      status: 'clear',
      accepted: [size, link],
      unused: ['text-deadbeef'],
    });
  });

  it('gives the same problem the same id, and different problems different ids', () => {
    expect(f('size', 'a').id).toBe(f('size', 'a').id);
    expect(f('size', 'a').id).not.toBe(f('size', 'b').id);
    expect(f('size', 'a').id).toMatch(/^size-[0-9a-f]{8}$/);
  });
});

describe('a11y lint rules', () => {
  const ok =
    '<html lang="en"><body><h1>A</h1><h2>B</h2><h3>C</h3><h2>D</h2><img src="x" alt=""></body></html>';

  it('passes a document with lang, alt and headings in order', () => {
    expect(a11yFindings(ok)).toEqual([]);
  });

  it('flags a missing lang, an image without alt and a skipped heading level', () => {
    const bad = '<html><body><h1>A</h1><h3>Deep</h3><img src="x"></body></html>';
    const found = a11yFindings(bad);
    expect(found).toContain('<html> has no lang attribute');
    expect(found.some((m) => m.startsWith('image without alt text'))).toBe(true);
    expect(found).toContain('heading h3 ("Deep") follows h1: a level is skipped');
    expect(a11yFindings('<html lang="en"><h2>First</h2></html>')).toEqual([
      'the first heading is h2 ("First"), not h1',
    ]);
  });

  it('checks the palette in light and dark against 4.5:1', () => {
    expect(paletteFindings()).toEqual([]);
    const faint = { ...palette, dark: { ...palette.dark, muted: '#3a404b' } };
    expect(paletteFindings(faint)).toContainEqual(
      expect.stringMatching(/^dark palette: muted on card is \d\.\d\d:1, below 4\.5:1$/),
    );
  });
});
