// Issue -> subject, preheader, email HTML and text (with recipient placeholders) and the web
// version. Pure apart from the cached template load: no clock, no per-recipient work; MJML
// compiles exactly once per call.
import type { Issue } from '../content/index.ts';
import { assertEmailSize, compileMjml } from './compile-mjml.ts';
import { placeholderNonce, placeholders } from './placeholders.ts';
import { loadTemplates, type Templates } from './templates.ts';
import { issueView, type RenderOptions } from './view-model.ts';

export type { RenderOptions } from './view-model.ts';

export type RenderedIssue = {
  subject: string;
  preheader: string;
  /** Email HTML with recipient placeholders; personalise before sending. */
  html: string;
  /** Plain-text part with the same placeholders. */
  text: string;
  /** The public web version: full quotes, no recipient fields. */
  webHtml: string;
};

export type RenderIssueOptions = RenderOptions & {
  /** Compiled templates; loaded from templates/ (and cached) when omitted. */
  templates?: Templates;
  /** Build failure threshold in bytes (tests lower it). */
  sizeLimit?: number;
};

/** Subjects and preheaders are one line: CR, LF and runs of spaces collapse to one space. */
export const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

export async function renderIssue(issue: Issue, opts: RenderIssueOptions): Promise<RenderedIssue> {
  const templates = opts.templates ?? (await loadTemplates());
  const ph = placeholders(placeholderNonce(issue));
  const view = issueView(issue, opts, ph);
  const subject = oneLine(templates.subject(view));
  const preheader = oneLine(templates.preheader(view));
  const full = { ...view, subject, preheader };
  const mjml = templates.email(full);
  const html = await compileMjml(mjml, templates.files.email);
  assertEmailSize(html, opts.sizeLimit);
  const text = `${templates
    .text(full)
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
  const webHtml = templates.web(full);
  return { subject, preheader, html, text, webHtml };
}
