// What the sender reads: a week's archived email (placeholders intact), checked against its
// content hash, and a personaliser compiled from exactly those bytes.
import { readFile } from 'node:fs/promises';
import type { Issue } from '../content/issue.ts';
import { VerdictsError } from '../errors.ts';
import { compilePersonaliser, type Personaliser } from '../render/personalise.ts';
import { ARCHIVE_FILES, archivePath } from './layout.ts';
import { readArchivedIssue } from './list-issues.ts';
import { type ArchiveMeta, contentHashText } from './write-issue.ts';

export type ArchivedEmail = {
  issue: Issue;
  html: string;
  text: string;
  meta: ArchiveMeta;
};

export async function readArchivedEmail(issuesDir: string, week: string): Promise<ArchivedEmail> {
  const issue = await readArchivedIssue(issuesDir, week);
  if (!issue) {
    throw new VerdictsError(
      'archive',
      'not_archived',
      `${week} has no archived issue in ${issuesDir}`,
    );
  }
  const read = (f: keyof typeof ARCHIVE_FILES) => readFile(archivePath(issuesDir, week, f), 'utf8');
  const [issueJson, html, text, web, metaJson, hash] = await Promise.all([
    read('issue'),
    read('emailHtml'),
    read('emailText'),
    read('web'),
    read('meta'),
    read('hash'),
  ]);
  const files = new Map([
    [ARCHIVE_FILES.issue, issueJson],
    [ARCHIVE_FILES.emailHtml, html],
    [ARCHIVE_FILES.emailText, text],
    [ARCHIVE_FILES.web, web],
    [ARCHIVE_FILES.meta, metaJson],
  ]);
  if (contentHashText(files) !== hash) {
    throw new VerdictsError(
      'archive',
      'hash_mismatch',
      `${archivePath(issuesDir, week, 'hash')} does not match the files next to it: the archive of ${week} was changed after it was built; rebuild it (if not frozen) or restore it from git`,
    );
  }
  return { issue, html, text, meta: JSON.parse(metaJson) as ArchiveMeta };
}

/** The personaliser the sender uses: built from the archived bytes, never from a fresh render. */
export async function personaliserFromArchive(
  issuesDir: string,
  week: string,
): Promise<Personaliser & { archived: ArchivedEmail }> {
  const archived = await readArchivedEmail(issuesDir, week);
  const personalise = compilePersonaliser(archived, archived.issue);
  return Object.assign(personalise, { archived });
}
