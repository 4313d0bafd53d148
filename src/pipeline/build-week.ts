// One week, end to end: load + validate content, plan the issue, render it, archive it and
// regenerate the archive index and feed. `verdicts build`, `run`, preview and send all call
// this. Nothing is written unless every earlier step succeeded.
import { writeArchiveIndex } from '../archive/write-index.ts';
import {
  type ArchiveMeta,
  assertNotFrozen,
  type FreezeCheck,
  writeIssueArchive,
} from '../archive/write-issue.ts';
import type { Config } from '../config.ts';
import { Issue } from '../content/issue.ts';
import { loadContent } from '../content/load.ts';
import { formatWeek, parseWeek, type Week } from '../content/week.ts';
import { VerdictsError } from '../errors.ts';
import { byteLength, EMAIL_HTML_LIMIT } from '../render/compile-mjml.ts';
import { type RenderedIssue, renderIssue } from '../render/render-issue.ts';
import type { Templates } from '../render/templates.ts';
import type { RenderOptions } from '../render/view-model.ts';
import { voteCountsAt } from '../store/vote-counts-at.ts';
import { planIssue } from './plan-issue.ts';

export type BuildSizes = { htmlBytes: number; textBytes: number; webBytes: number };

export type BuildResult = {
  status: 'built' | 'no-pairs';
  week: string;
  dir?: string;
  issue?: Issue;
  rendered?: RenderedIssue;
  sizes: BuildSizes;
};

export type BuildWeekOptions = {
  isFrozen: FreezeCheck;
  /** Build time: pairs published after it are not out yet. */
  now: Date;
  templates?: Templates;
};

/** The display name of FROM_EMAIL ("Weekly AI Tool Verdicts <verdicts@…>"), if it has one. */
export function fromName(fromEmail: string): string | undefined {
  const m = /^\s*"?([^"<]+?)"?\s*</.exec(fromEmail);
  return m?.[1]?.trim() || undefined;
}

export function renderOptions(
  config: Pick<Config, 'FROM_EMAIL' | 'PUBLIC_BASE_URL' | 'POSTAL_ADDRESS'>,
): RenderOptions {
  const name = fromName(config.FROM_EMAIL);
  return {
    baseUrl: config.PUBLIC_BASE_URL,
    postalAddress: config.POSTAL_ADDRESS,
    ...(name ? { fromName: name } : {}),
  };
}

export type PreparedWeek =
  | { status: 'no-pairs'; week: string }
  | { status: 'ready'; week: string; issue: Issue; issueJson: string; rendered: RenderedIssue };

/** Load, plan and render a week without writing anything (lint and preview use this too). */
export async function prepareWeek(
  config: Config,
  week: Week | string,
  opts: Omit<BuildWeekOptions, 'isFrozen'>,
): Promise<PreparedWeek> {
  const w = typeof week === 'string' ? parseWeekOrThrow(week) : week;
  const id = formatWeek(w);
  const { content } = await loadContent(config.DATA_DIR);
  const { issue } = await planIssue({
    content,
    week: w,
    issuesDir: config.ISSUES_DIR,
    zone: config.NEWSLETTER_TIMEZONE,
    maxPairs: config.MAX_PAIRS_PER_ISSUE,
    asOf: opts.now,
    votes: voteCountsAt(config.DATABASE_PATH),
  });
  if (!issue) return { status: 'no-pairs', week: id };
  // Render from the issue exactly as issue.json will hold it, so the sender, which reads the
  // archive, derives the same placeholders.
  const issueJson = `${JSON.stringify(issue, null, 2)}\n`;
  const archived = Issue.parse(JSON.parse(issueJson));
  const rendered = await renderIssue(archived, {
    ...renderOptions(config),
    ...(opts.templates ? { templates: opts.templates } : {}),
  });
  return { status: 'ready', week: id, issue: archived, issueJson, rendered };
}

export async function buildWeek(
  config: Config,
  week: Week | string,
  opts: BuildWeekOptions,
): Promise<BuildResult> {
  const id = formatWeek(typeof week === 'string' ? parseWeekOrThrow(week) : week);
  await assertNotFrozen(id, opts.isFrozen);
  const prepared = await prepareWeek(config, week, opts);
  if (prepared.status === 'no-pairs') {
    return { status: 'no-pairs', week: id, sizes: { htmlBytes: 0, textBytes: 0, webBytes: 0 } };
  }
  const { issue, issueJson, rendered } = prepared;
  const sizes: BuildSizes = {
    htmlBytes: byteLength(rendered.html),
    textBytes: byteLength(rendered.text),
    webBytes: byteLength(rendered.webHtml),
  };
  const meta: ArchiveMeta = {
    week: id,
    number: issue.number,
    subject: rendered.subject,
    preheader: rendered.preheader,
    pairs: issue.pairs.map((p) => p.id),
    ...sizes,
    htmlLimitBytes: EMAIL_HTML_LIMIT,
  };
  const files = {
    issueJson,
    emailHtml: rendered.html,
    emailText: rendered.text,
    webHtml: rendered.webHtml,
    meta,
  };
  const dir = await writeIssueArchive(config.ISSUES_DIR, id, files, { isFrozen: opts.isFrozen });
  await writeArchiveIndex(config.ISSUES_DIR, {
    ...renderOptions(config),
    ...(opts.templates ? { templates: opts.templates } : {}),
  });
  return { status: 'built', week: id, dir, issue, rendered, sizes };
}

function parseWeekOrThrow(text: string): Week {
  const parsed = parseWeek(text);
  if (!parsed.ok) throw new VerdictsError('cli', 'bad_week', parsed.error);
  return parsed.value;
}
