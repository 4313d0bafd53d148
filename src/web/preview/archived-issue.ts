// A week that is archived: the preview shows the archived bytes (what the sender sends),
// checked against their content hash by the same reader the sender uses. Never re-rendered.
import { access, readFile } from 'node:fs/promises';
import { archivePath } from '../../archive/layout.ts';
import { readArchivedEmail } from '../../archive/read-email.ts';
import type { Issue } from '../../content/issue.ts';
import type { RenderedIssue } from '../../render/render-issue.ts';
import { err, ok, type Result } from '../../result.ts';
import { fromError, type ShownProblem } from './shown-problem.ts';

export type Archived = { issue: Issue; rendered: RenderedIssue };

export async function readArchived(
  issuesDir: string,
  week: string,
): Promise<Result<Archived, ShownProblem[]>> {
  try {
    const archived = await readArchivedEmail(issuesDir, week);
    const webHtml = await readFile(archivePath(issuesDir, week, 'web'), 'utf8');
    return ok({
      issue: archived.issue,
      rendered: {
        subject: archived.meta.subject,
        preheader: archived.meta.preheader,
        html: archived.html,
        text: archived.text,
        webHtml,
      },
    });
  } catch (e) {
    return err(fromError(e, 'archive'));
  }
}

export async function isArchived(issuesDir: string, week: string): Promise<boolean> {
  try {
    await access(archivePath(issuesDir, week, 'issue'));
    return true;
  } catch {
    return false;
  }
}
