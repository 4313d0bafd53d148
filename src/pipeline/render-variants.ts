// The week's variants rendered for the archive: each subset of pairs some readers' topics give
// (content/variants.ts) through the same renderIssue as the full issue, so MJML compiles once
// per variant and never per reader. Each is linted with the same rules; the gate reads them.
import type { ArchiveMeta, ArchiveVariantContent, ArchiveVariantMeta } from '../archive/index.ts';
import { type Issue, issueVariants, variantIssue } from '../content/index.ts';
import {
  byteLength,
  EMAIL_HTML_LIMIT,
  lintRendered,
  type RenderIssueOptions,
  renderIssue,
  wireBytes,
} from '../render/index.ts';

export async function renderVariants(
  issue: Issue,
  opts: RenderIssueOptions & { baseUrl: string },
): Promise<{ variants: ArchiveVariantContent[]; listed: ArchiveVariantMeta[] }> {
  const variants: ArchiveVariantContent[] = [];
  const listed: ArchiveVariantMeta[] = [];
  for (const v of issueVariants(issue)) {
    const vIssue = variantIssue(issue, v);
    const issueJson = `${JSON.stringify(vIssue, null, 2)}\n`;
    const rendered = await renderIssue(vIssue, opts);
    const meta: ArchiveMeta = {
      week: issue.week,
      number: issue.number,
      subject: rendered.subject,
      preheader: rendered.preheader,
      pairs: v.pairIds,
      htmlBytes: byteLength(rendered.html),
      htmlWireBytes: wireBytes(rendered.html),
      textBytes: byteLength(rendered.text),
      webBytes: byteLength(rendered.webHtml),
      htmlLimitBytes: EMAIL_HTML_LIMIT,
      baseUrl: opts.baseUrl,
      lint: await lintRendered(rendered, vIssue, { baseUrl: opts.baseUrl }),
    };
    variants.push({
      id: v.id,
      content: {
        issueJson,
        emailHtml: rendered.html,
        emailText: rendered.text,
        webHtml: rendered.webHtml,
        meta,
      },
    });
    listed.push({ id: v.id, pairs: v.pairIds, categories: v.categories });
  }
  return { variants, listed };
}
