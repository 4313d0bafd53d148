// Accessibility checks on the email a reader gets: a document language, alt text on every
// image, headings that never skip a level, and a palette whose text reaches WCAG AA (4.5:1)
// in both colour schemes. Pure: HTML (and the palette) in, messages out.
import { contrastRatio, palette as defaultPalette, type Scheme, TEXT_PAIRS } from './palette.ts';

const AA = 4.5;

function langFindings(html: string): string[] {
  const tag = /<html\b[^>]*>/i.exec(html)?.[0];
  if (!tag) return ['the HTML has no <html> element to carry lang'];
  return /\slang="[a-z]{2,3}(?:-[A-Za-z0-9]+)*"/i.test(tag) ? [] : ['<html> has no lang attribute'];
}

function altFindings(html: string): string[] {
  return [...html.matchAll(/<img\b[^>]*>/gi)]
    .filter((m) => !/\salt="[^"]*"/i.test(m[0]))
    .map((m) => `image without alt text: ${m[0].slice(0, 120)}`);
}

/** A heading may go one level deeper than the one before it, never two (h2 -> h4). */
function headingFindings(html: string): string[] {
  const out: string[] = [];
  let previous = 0;
  for (const m of html.matchAll(/<h([1-6])\b[^>]*>([\s\S]*?)<\/h\1>/gi)) {
    const level = Number(m[1]);
    const text = m[2]!
      .replace(/<[^>]+>/g, '')
      .trim()
      .slice(0, 60);
    if (previous === 0 && level !== 1)
      out.push(`the first heading is h${level} ("${text}"), not h1`);
    else if (previous > 0 && level > previous + 1)
      out.push(`heading h${level} ("${text}") follows h${previous}: a level is skipped`);
    previous = level;
  }
  return out;
}

export function paletteFindings(p: { light: Scheme; dark: Scheme } = defaultPalette): string[] {
  const out: string[] = [];
  for (const scheme of ['light', 'dark'] as const) {
    for (const [fg, bg] of TEXT_PAIRS) {
      const ratio = contrastRatio(p[scheme][fg], p[scheme][bg]);
      if (ratio < AA)
        out.push(`${scheme} palette: ${fg} on ${bg} is ${ratio.toFixed(2)}:1, below ${AA}:1`);
    }
  }
  return out;
}

export function a11yFindings(
  html: string,
  p: { light: Scheme; dark: Scheme } = defaultPalette,
): string[] {
  return [
    ...langFindings(html),
    ...altFindings(html),
    ...headingFindings(html),
    ...paletteFindings(p),
  ];
}
