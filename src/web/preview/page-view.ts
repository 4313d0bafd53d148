// WeekPreview + week list -> the plain objects the preview templates print. Every label and
// number is decided here; the templates only place and escape them.

import type { WeekEntry } from '../../pipeline/index.ts';
import type { LintFinding } from '../../render/index.ts';
import { EMAIL_HTML_BUDGET, fromName, kb } from '../../render/index.ts';
import { previewRoutes } from './routes.ts';
import type { ShownProblem } from './shown-problem.ts';
import { PREVIEW_RECIPIENT, type WeekPreview } from './week-preview.ts';

/** Gmail clips a message whose HTML passes about 102 KB ("[Message clipped]"). */
export const GMAIL_CLIP_BYTES = 102 * 1024;

export type ViewState = {
  width: 'desktop' | 'phone';
  scheme: 'light' | 'dark';
  tab: 'email' | 'text' | 'source';
};
export const DEFAULT_STATE: ViewState = { width: 'desktop', scheme: 'light', tab: 'email' };

const pick = <T extends string>(value: string | undefined, allowed: readonly T[], fallback: T) =>
  allowed.includes(value as T) ? (value as T) : fallback;

export function viewState(query: Record<string, string | undefined>): ViewState {
  return {
    width: pick(query['width'], ['desktop', 'phone'], DEFAULT_STATE.width),
    scheme: pick(query['scheme'], ['light', 'dark'], DEFAULT_STATE.scheme),
    tab: pick(query['tab'], ['email', 'text', 'source'], DEFAULT_STATE.tab),
  };
}

export function listView(entries: WeekEntry[], selected: string | null) {
  const list = entries.map((e) => ({
    ...e,
    href: previewRoutes.week(e.week),
    badge: e.kind === 'archived' ? `archived #${e.number ?? '?'}` : 'draft',
    selected: e.week === selected,
  }));
  // A week picked that the list does not carry is still shown, so the selection is visible.
  if (selected && !entries.some((e) => e.week === selected)) {
    list.unshift({
      week: selected,
      kind: 'draft',
      when: 'picked',
      number: null,
      titles: [],
      note: null,
      href: previewRoutes.week(selected),
      badge: 'picked',
      selected: true,
    });
  }
  return list;
}

function sizeView(bytes: number) {
  const status = bytes >= GMAIL_CLIP_BYTES ? 'over' : bytes > EMAIL_HTML_BUDGET ? 'warn' : 'ok';
  const verdict = {
    ok: 'well under the clip line',
    warn: `over the ${kb(EMAIL_HTML_BUDGET)} budget, close to the clip line`,
    over: 'Gmail will clip this email',
  }[status];
  return {
    bytes,
    clipBytes: GMAIL_CLIP_BYTES,
    label: kb(bytes),
    clipLabel: `Gmail's 102 KB clip line`,
    budgetLabel: kb(EMAIL_HTML_BUDGET),
    percent: Math.min(100, Math.round((bytes / GMAIL_CLIP_BYTES) * 1000) / 10),
    budgetPercent: Math.round((EMAIL_HTML_BUDGET / GMAIL_CLIP_BYTES) * 1000) / 10,
    status,
    verdict,
  };
}

export type PanelInput = {
  preview: WeekPreview;
  /** null while the lint is still running: the page fetches it after the email. */
  findings: LintFinding[] | null;
  fromEmail: string;
  transport: string;
  version: number;
};

export function panelView({ preview: p, findings, fromEmail, transport, version }: PanelInput) {
  const from = fromName(fromEmail) ?? fromEmail;
  const kicker =
    p.kind === 'archived'
      ? 'Archived: the bytes the sender sends'
      : `Draft: rendered in memory, nothing written${p.assumes ? ` · assumes ${p.assumes} goes out first` : ''}`;
  const number = p.issue ? `Issue #${p.issue.number} · ` : '';
  const rendered = p.rendered;
  return {
    week: p.week,
    kicker,
    heading: `${number}${p.week}`,
    inbox: rendered
      ? {
          from,
          initial: from.slice(0, 1).toUpperCase(),
          subject: rendered.subject,
          preheader: rendered.preheader,
          subjectChars: [...rendered.subject].length,
          preheaderChars: [...rendered.preheader].length,
          recipient: p.shown ? PREVIEW_RECIPIENT.email : null,
        }
      : null,
    size: p.htmlBytes === null ? null : sizeView(p.htmlBytes),
    problems: p.problems,
    problemsTitle: problemsTitle(p.problems),
    empty: p.empty,
    hasEmail: p.shown !== null,
    emailSrc: `${previewRoutes.email(p.week)}?v=${version}`,
    webHref: previewRoutes.web(p.week),
    sendAction: previewRoutes.sendTest(p.week),
    transport,
    text: p.shown?.text ?? '',
    source: p.shown?.html ?? '',
    lint: lintView(p.week, findings, version),
    // Only a built issue can have been sent; the page fetches the report after the email.
    reportSrc: p.kind === 'archived' ? `${previewRoutes.report(p.week)}?v=${version}` : null,
    warnings: p.warnings,
    // Who gets what: the full issue, each variant (shown on its own), or nothing this week.
    audience: p.audience
      ? {
          full: p.audience.full,
          paused: p.audience.paused,
          noTopics: p.audience.noTopics,
          variants: p.audience.variants.map((v) => ({
            ...v,
            href: previewRoutes.variant(p.week, v.id),
            headlines: v.headlines.join(' · '),
            categories: v.categories.join(', '),
          })),
        }
      : null,
  };
}

export function lintView(week: string, findings: LintFinding[] | null, version: number) {
  return {
    pending: findings === null,
    src: `${previewRoutes.lint(week)}?v=${version}`,
    findings: findings ?? [],
    one: findings?.length === 1,
  };
}

/** A panel with nothing but problems (a bad week in the URL, an internal error). */
export function problemPanel(week: string, heading: string, problems: ShownProblem[]) {
  return {
    ...panelView({
      preview: {
        week,
        kind: 'draft',
        issue: null,
        rendered: null,
        shown: null,
        htmlBytes: null,
        warnings: [],
        problems,
        empty: null,
        assumes: null,
        audience: null,
      },
      findings: [],
      fromEmail: '',
      transport: '',
      version: 0,
    }),
    kicker: 'Nothing to preview',
    heading,
  };
}

function problemsTitle(problems: ShownProblem[]): string {
  const n = problems.length;
  const what = problems.every((p) => p.source === 'data')
    ? 'in the data'
    : problems.every((p) => p.source === 'template')
      ? 'in the templates'
      : '';
  return `${n} problem${n === 1 ? '' : 's'} ${what}`.trim();
}
