// One week, end to end: prepare it (load, plan, render), archive it and regenerate the archive
// index and feed. `verdicts build`, `run` and send (when the archive has none) call this.
// Nothing is written unless every earlier step succeeded; every expected outcome is a value.
import {
  type ArchiveMeta,
  frozenError,
  writeArchiveIndex,
  writeIssueArchive,
} from '../archive/index.ts';
import type { Issue, Week } from '../content/index.ts';
import { formatWeek } from '../content/index.ts';
import { isVerdictsError, type VerdictsError } from '../errors.ts';
import {
  byteLength,
  EMAIL_HTML_LIMIT,
  lintRendered,
  type RenderedIssue,
  type Templates,
  wireBytes,
} from '../render/index.ts';
import type { Pipeline } from './open-pipeline.ts';
import { type PrepareProblem, prepareWeek } from './prepare-week.ts';
import { renderVariants } from './render-variants.ts';

export type BuildSizes = {
  htmlBytes: number;
  /** email.html quoted-printable, as it travels: what the budget and the limit count. */
  htmlWireBytes: number;
  textBytes: number;
  webBytes: number;
};

export type BuildResult =
  | {
      status: 'built';
      week: string;
      dir: string;
      issue: Issue;
      rendered: RenderedIssue;
      sizes: BuildSizes;
    }
  | { status: 'no-pairs'; week: string }
  /** Sending has started: the archive is what subscribers get and is not replaced. */
  | { status: 'frozen'; week: string; error: VerdictsError<'archive'> }
  | { status: 'problems'; week: string; problem: PrepareProblem };

export type BuildWeekOptions = {
  /** The cutoff: pairs published after it are not out yet. */
  at: Date;
  templates?: Templates;
};

export async function buildWeek(
  p: Pipeline,
  week: Week,
  opts: BuildWeekOptions,
): Promise<BuildResult> {
  const id = formatWeek(week);
  if (await p.isFrozen(id)) return { status: 'frozen', week: id, error: frozenError(id) };
  const prepared = await prepareWeek(p, week, opts);
  if (prepared.status !== 'ready') return prepared;
  const { issue, issueJson, rendered } = prepared;
  const sizes: BuildSizes = {
    htmlBytes: byteLength(rendered.html),
    htmlWireBytes: wireBytes(rendered.html),
    textBytes: byteLength(rendered.text),
    webBytes: byteLength(rendered.webHtml),
  };
  // Every variant some reader's topics give, rendered now: what is frozen is what is archived.
  let variants: Awaited<ReturnType<typeof renderVariants>>;
  try {
    variants = await renderVariants(issue, {
      ...p.settings.render,
      ...(opts.templates ? { templates: opts.templates } : {}),
      baseUrl: p.settings.baseUrl,
    });
  } catch (e) {
    if (!isVerdictsError(e)) throw e;
    return { status: 'problems', week: id, problem: { stage: 'render', error: e } };
  }
  const meta: ArchiveMeta = {
    week: id,
    number: issue.number,
    subject: rendered.subject,
    preheader: rendered.preheader,
    pairs: issue.pairs.map((x) => x.id),
    ...sizes,
    htmlLimitBytes: EMAIL_HTML_LIMIT,
    // The gate's inputs travel with the archive: send reads them without loading MJML.
    baseUrl: p.settings.baseUrl,
    lint: await lintRendered(rendered, issue, { baseUrl: p.settings.baseUrl }),
    ...(variants.listed.length > 0 ? { variants: variants.listed } : {}),
  };
  const files = {
    issueJson,
    emailHtml: rendered.html,
    emailText: rendered.text,
    webHtml: rendered.webHtml,
    meta,
    variants: variants.variants,
  };
  let dir: string;
  try {
    // The archive checks again: another sender may have frozen the week since the check above.
    dir = await writeIssueArchive(p.settings.issuesDir, id, files, {
      isFrozen: (w) => p.isFrozen(w),
    });
  } catch (e) {
    if (isVerdictsError(e) && e.code === 'week_frozen') {
      return { status: 'frozen', week: id, error: frozenError(id) };
    }
    throw e;
  }
  const indexOptions = {
    ...p.settings.render,
    ...(opts.templates ? { templates: opts.templates } : {}),
  };
  await writeArchiveIndex(p.settings.issuesDir, indexOptions, issue);
  return { status: 'built', week: id, dir, issue, rendered, sizes };
}
