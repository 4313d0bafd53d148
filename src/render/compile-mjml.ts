// MJML -> HTML, once per issue: strict validation (an invalid document is a build error, not
// a warning) and minified output so the email stays far below Gmail's clip.
import type { MjmlError } from 'mjml';
import { VerdictsError } from '../errors.ts';
import { asciiHtml } from './escape.ts';
import { wireBytes } from './wire-size.ts';

/**
 * Gmail clips messages whose HTML passes ~102 KB; we refuse to build anything above this.
 * Both numbers count the HTML part as it travels (quoted-printable, ~1.09x the decoded bytes).
 */
export const EMAIL_HTML_LIMIT = 100 * 1024;
/** What a full issue is designed to stay under; the lint reports anything above it. */
export const EMAIL_HTML_BUDGET = 90 * 1024;

export const MJML_OPTIONS = {
  validationLevel: 'strict',
  minify: true,
  // cssnano is not installed (and our head CSS is already small): whitespace only.
  minifyOptions: { minifyCss: false },
  keepComments: false,
  // Stock fonts would add <link>/@import of Google Fonts; we use system fonts.
  fonts: {},
  ignoreIncludes: true,
} as const;

export async function compileMjml(mjml: string, template: string): Promise<string> {
  // Loaded on first compile: MJML is ~55 MB of heap, and a send that imports render's face for
  // the personaliser never compiles anything.
  const { default: mjml2html } = await import('mjml');
  try {
    const { html } = await mjml2html(mjml, MJML_OPTIONS);
    return asciiHtml(squeezeWhitespace(html));
  } catch (e) {
    const errors = (e as { errors?: MjmlError[] }).errors ?? [];
    const details = errors.map((x) => `${template}: line ${x.line}: ${x.tagName}: ${x.message}`);
    throw new VerdictsError(
      'render',
      'mjml_invalid',
      `${template} does not compile as MJML: ${errors[0]?.message ?? (e as Error).message}`,
      details,
    );
  }
}

/**
 * The minifier leaves MJML's own <style> blocks and Outlook conditional comments as indented;
 * collapse those too (CSS and the MSO XML do not care about line breaks).
 */
export function squeezeWhitespace(html: string): string {
  return html
    .replace(
      /(<style[^>]*>)([\s\S]*?)(<\/style>)/g,
      (_m, open: string, css: string, close: string) =>
        `${open}${css.replace(/\s+/g, ' ').trim()}${close}`,
    )
    .replace(/<!--\[if [\s\S]*?<!\[endif\]-->/g, (c) => c.replace(/>\s+</g, '><'));
}

export const byteLength = (s: string) => Buffer.byteLength(s, 'utf8');

export function assertEmailSize(html: string, limit = EMAIL_HTML_LIMIT): number {
  const bytes = wireBytes(html);
  if (bytes > limit) {
    throw new VerdictsError(
      'render',
      'email_too_large',
      `the email HTML is ${kb(bytes)} (${bytes} bytes) on the wire (quoted-printable; ${kb(byteLength(html))} decoded), over the ${kb(limit)} limit (${limit} bytes); Gmail clips mail above ~102 KB. Shorten the issue (fewer pairs or shorter text).`,
    );
  }
  return bytes;
}

export const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
