// Quality checks on a rendered issue, as findings (never throws for a finding): size budget,
// email-client support judged as a delta against a stock MJML reference, links absolute and
// https (or under our base URL), and a plain text that carries every pair, score and link.
// Pure apart from compiling the reference once. The preview server shows these findings.
import { createHash } from 'node:crypto';
import type { Issue } from '../content/index.ts';
import { compileMjml, EMAIL_HTML_BUDGET, kb } from './compile-mjml.ts';
import { a11yFindings } from './lint-a11y.ts';
import { compilePersonaliser, type PersonalisedMessage } from './personalise.ts';
import type { RenderedIssue } from './render-issue.ts';
import { communityText } from './view-model.ts';
import { wireBytes } from './wire-size.ts';

export type LintRule = 'mjml' | 'size' | 'caniemail' | 'links' | 'text' | 'a11y';
/** `id` is stable for the same problem (rule + message), so an editor can name it to accept it. */
export type LintFinding = { id: string; rule: LintRule; message: string };

export const findingId = (rule: LintRule, message: string) =>
  `${rule}-${createHash('sha256').update(message).digest('hex').slice(0, 8)}`;
export const finding = (rule: LintRule, message: string): LintFinding => ({
  id: findingId(rule, message),
  rule,
  message,
});

export const LINT_CLIENTS = ['gmail.*', 'outlook.*', 'apple-mail.*', 'yahoo.*'];

/** The stock components the newsletter builds on; what it flags is MJML's doing, not ours. */
export const REFERENCE_MJML = `<mjml lang="en"><mj-head><mj-title>Reference</mj-title><mj-preview>Preview text</mj-preview></mj-head><mj-body>
<mj-section><mj-column><mj-text>Left</mj-text><mj-image src="https://example.com/a.png" alt="An image" /></mj-column>
<mj-column><mj-text>Right</mj-text><mj-button href="https://example.com/">Button</mj-button></mj-column></mj-section>
<mj-section><mj-column><mj-divider /><mj-table><tr><td>a</td><td>b</td></tr></mj-table></mj-column></mj-section>
</mj-body></mjml>`;

let referenceErrors: Promise<Set<string>> | undefined;

export async function clientErrors(html: string): Promise<Set<string>> {
  // caniemail's data is ~16 MB: loaded by a lint, not by everyone importing render's face.
  const { doIUseEmail } = await import('@jsx-email/doiuse-email');
  const result = doIUseEmail(html, { emailClients: LINT_CLIENTS });
  return new Set(result.success ? [] : result.errors);
}

export function referenceClientErrors(): Promise<Set<string>> {
  referenceErrors ??= compileMjml(REFERENCE_MJML, 'lint reference').then(clientErrors);
  return referenceErrors;
}

const SAMPLE = { subscriberId: 1, email: 'reader@example.com', name: 'Reader' };
const SAMPLE_SECRET = 'lint-sample-secret-not-for-sending';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
export const decodeEntities = (s: string) =>
  s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') {
      const code =
        e[1] === 'x' || e[1] === 'X' ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1));
      return String.fromCodePoint(code);
    }
    return ENTITIES[e.toLowerCase()] ?? m;
  });

export const htmlLinks = (html: string) => [
  ...new Set([...html.matchAll(/\s(?:href|src)="([^"]*)"/g)].map((m) => decodeEntities(m[1]!))),
];
export const textLinks = (text: string) => [
  ...new Set([...text.matchAll(/https?:\/\/[^\s<>"”]+/g)].map((m) => m[0])),
];

function linkFindings(links: string[], where: string, baseUrl: string): LintFinding[] {
  const base = baseUrl.replace(/\/+$/, '');
  return links
    .filter((l) => !(l.startsWith('https://') || l === base || l.startsWith(`${base}/`)))
    .map((l) => finding('links', `${where}: "${l}" is not absolute https or under ${base}`));
}

function textFindings(issue: Issue, msg: PersonalisedMessage): LintFinding[] {
  const out: LintFinding[] = [];
  const missing = (what: string) => out.push(finding('text', `plain text lacks ${what}`));
  for (const p of issue.pairs) {
    const title = `${p.tools[0].name} vs ${p.tools[1].name}`;
    if (!msg.text.includes(title)) missing(`the pair "${title}"`);
    if (!msg.text.includes(p.verdictLine)) missing(`the verdict line of "${title}"`);
    for (const t of p.tools) {
      // The tool's own block: from its "Name (Category)" line to the next blank line.
      const at = msg.text.indexOf(`${t.name} (${t.category})`);
      const end = at < 0 ? -1 : msg.text.indexOf('\n\n', at);
      const block = at < 0 ? '' : msg.text.slice(at, end < 0 ? undefined : end);
      if (at < 0) missing(`the tool ${t.name}`);
      const ship = t.shipPercent === null ? '—' : `${t.shipPercent}%`;
      const community = communityText(t.communityPercent);
      if (!new RegExp(`Panel ship:\\s*${ship}`).test(block))
        missing(`${t.name}'s panel ship ${ship}`);
      if (!new RegExp(`Community:\\s*${community}`).test(block))
        missing(`${t.name}'s community share ${community}`);
    }
    for (const lens of p.split)
      if (!msg.text.includes(lens.lensName)) missing(`lens ${lens.lensName}`);
  }
  const inText = new Set(textLinks(msg.text));
  for (const link of htmlLinks(msg.html)) if (!inText.has(link)) missing(`the link ${link}`);
  return out;
}

export async function lintRendered(
  rendered: Pick<RenderedIssue, 'html' | 'text'>,
  issue: Issue,
  opts: { baseUrl: string },
): Promise<LintFinding[]> {
  const findings: LintFinding[] = [];
  let msg: PersonalisedMessage;
  try {
    msg = compilePersonaliser(rendered, issue)(SAMPLE, {
      baseUrl: opts.baseUrl,
      secret: SAMPLE_SECRET,
    });
  } catch (e) {
    return [finding('links', (e as Error).message)];
  }
  // As it travels (quoted-printable), which is what Gmail's clip counts.
  const bytes = Math.max(wireBytes(rendered.html), wireBytes(msg.html));
  if (bytes > EMAIL_HTML_BUDGET) {
    findings.push(
      finding(
        'size',
        `email HTML is ${kb(bytes)} on the wire (quoted-printable), over the ${kb(EMAIL_HTML_BUDGET)} budget`,
      ),
    );
  }
  const reference = await referenceClientErrors();
  for (const e of await clientErrors(msg.html)) {
    if (!reference.has(e)) findings.push(finding('caniemail', e.replaceAll('`', '')));
  }
  findings.push(...a11yFindings(msg.html).map((m) => finding('a11y', m)));
  findings.push(...linkFindings(htmlLinks(msg.html), 'email.html', opts.baseUrl));
  findings.push(...linkFindings(textLinks(msg.text), 'email.txt', opts.baseUrl));
  findings.push(...textFindings(issue, msg));
  return findings;
}
