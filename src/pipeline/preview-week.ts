// One week as an editor previews it: the archived bytes (read once, hash-checked, never
// re-rendered) when the week is archived, else a draft from prepareWeek, the path the build
// takes; then personalised for a reader exactly as the sender personalises. Every expected
// failure is a value in `problem`.
import { type ArchivedEmail, archiveExists, readArchivedEmail } from '../archive/index.ts';
import {
  formatWeek,
  type Issue,
  issueVariants,
  type Problem,
  variantChoice,
  variantIssue,
  type Week,
} from '../content/index.ts';
import { isVerdictsError, type VerdictsError } from '../errors.ts';
import {
  compilePersonaliser,
  type Recipient,
  type RenderedIssue,
  renderIssue,
  wireBytes,
} from '../render/index.ts';
import type { Pipeline } from './open-pipeline.ts';
import { type PrepareOptions, type PrepareProblem, prepareWeek } from './prepare-week.ts';

export type PreviewProblem =
  | PrepareProblem
  /** An archived week that cannot be read (changed, unreadable): shown, never re-rendered. */
  | { stage: 'archived'; error: Error }
  | { stage: 'personalise'; error: VerdictsError };

export type PreviewedWeek = {
  week: string;
  kind: 'archived' | 'draft';
  issue: Issue | null;
  /** As rendered or archived: recipient fields still placeholders. */
  rendered: RenderedIssue | null;
  /** What the reader would receive. */
  shown: { html: string; text: string } | null;
  htmlBytes: number | null;
  warnings: readonly Problem[];
  problem: PreviewProblem | null;
  /** Why there is no email to show, when there is none and nothing went wrong. */
  empty: string | null;
  /** A later draft leaves out the pairs of this unsent week. */
  assumes: string | null;
  /** Who would get what this week: the full issue, each variant, or nothing (and why). */
  audience: Audience | null;
};

/** A variant of the week as the preview lists it, with the readers it would go to. */
export type AudienceVariant = {
  id: string;
  headlines: string[];
  categories: string[];
  readers: number;
};

export type Audience = {
  full: number;
  variants: AudienceVariant[];
  paused: number;
  noTopics: number;
};

/**
 * How the active list would split over the week's variants if it were sent now (from the
 * database when there is one; without one every count is 0).
 */
export async function audienceOf(p: Pipeline, issue: Issue): Promise<Audience> {
  const variants = issueVariants(issue);
  const counts = new Map<string, number>(variants.map((v) => [v.id, 0]));
  const out: Audience = { full: 0, variants: [], paused: 0, noTopics: 0 };
  const store = await p.existingStore();
  if (store) {
    for await (const s of store.subscribers.list({ status: 'active' })) {
      if (s.pausedIssues > 0) {
        out.paused++;
        continue;
      }
      const c = variantChoice(issue, s.topics);
      if (c.kind === 'none') out.noTopics++;
      else if (c.kind === 'full') out.full++;
      else counts.set(c.id, (counts.get(c.id) ?? 0) + 1);
    }
  }
  const headline = new Map(issue.pairs.map((x) => [x.id, x.headline]));
  out.variants = variants.map((v) => ({
    id: v.id,
    headlines: v.pairIds.map((id) => headline.get(id) ?? id),
    categories: v.categories,
    readers: counts.get(v.id) ?? 0,
  }));
  return out;
}

/**
 * One variant of the week as its readers would get it: the archived variant's bytes for an
 * archived week, else rendered now from the draft (MJML once, as the build does). Null when
 * the week has no such variant.
 */
export async function previewVariant(
  p: Pipeline,
  week: Week,
  id: string,
  opts: PrepareOptions & { reader: Recipient },
): Promise<{ html: string; text: string; subject: string } | null> {
  const wid = formatWeek(week);
  let rendered: { html: string; text: string; subject: string };
  let vIssue: Issue;
  if (await archiveExists(p.settings.issuesDir, wid)) {
    const read = (await readArchivedEmail(p.settings.issuesDir, wid)).variants.get(id);
    if (!read) return null;
    rendered = { html: read.html, text: read.text, subject: read.meta.subject };
    vIssue = read.issue;
  } else {
    const draft = await prepareWeek(p, week, opts);
    if (draft.status !== 'ready') return null;
    const v = issueVariants(draft.issue).find((x) => x.id === id);
    if (!v) return null;
    vIssue = variantIssue(draft.issue, v);
    const templates =
      typeof opts.templates === 'function' ? await opts.templates() : opts.templates;
    rendered = await renderIssue(vIssue, {
      ...p.settings.render,
      ...(templates ? { templates } : {}),
    });
  }
  const msg = compilePersonaliser(rendered, vIssue)(opts.reader, p.settings.email.links);
  return { html: msg.html, text: msg.text, subject: rendered.subject };
}

export async function previewWeek(
  p: Pipeline,
  week: Week,
  opts: PrepareOptions & { reader: Recipient },
): Promise<PreviewedWeek> {
  const id = formatWeek(week);
  const archived = await archiveExists(p.settings.issuesDir, id);
  const base: PreviewedWeek = {
    week: id,
    kind: archived ? 'archived' : 'draft',
    issue: null,
    rendered: null,
    shown: null,
    htmlBytes: null,
    warnings: [],
    problem: null,
    empty: null,
    assumes: null,
    audience: null,
  };
  let issue: Issue;
  let rendered: RenderedIssue;
  if (archived) {
    let read: ArchivedEmail;
    try {
      read = await readArchivedEmail(p.settings.issuesDir, id);
    } catch (e) {
      // Whatever stops the read (a changed file, permissions) is the editor's to fix.
      return { ...base, problem: { stage: 'archived', error: e as Error } };
    }
    const { subject, preheader } = read.meta;
    issue = read.issue;
    rendered = { subject, preheader, html: read.html, text: read.text, webHtml: read.webHtml };
  } else {
    const draft = await prepareWeek(p, week, opts);
    if (draft.status === 'problems') return { ...base, problem: draft.problem };
    base.warnings = draft.warnings;
    if (draft.status === 'no-pairs')
      return { ...base, empty: `${id} has no new pairs, so no issue.` };
    ({ issue, rendered } = draft);
    base.assumes = draft.assumes;
  }
  try {
    const msg = compilePersonaliser(rendered, issue)(opts.reader, p.settings.email.links);
    return {
      ...base,
      audience: await audienceOf(p, issue),
      issue,
      rendered,
      shown: { html: msg.html, text: msg.text },
      // On the wire (quoted-printable): what Gmail's clip and our budget count.
      htmlBytes: wireBytes(msg.html),
    };
  } catch (e) {
    return { ...base, issue, rendered, problem: { stage: 'personalise', error: expected(e) } };
  }
}

function expected(e: unknown): VerdictsError {
  if (isVerdictsError(e)) return e;
  throw e;
}
