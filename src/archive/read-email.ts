// The one read of a week's archive: every file of the folder once, checked against the
// content hash, yielding the issue, the email parts (placeholders intact), the web version and
// the digest the ledger pins. The sender, the test copy and the preview all take this; nothing
// reads issue.json or content-hash.txt a second time in the same job.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Issue } from '../content/index.ts';
import { VerdictsError } from '../errors.ts';
import { compilePersonaliser, type Personaliser } from '../render/index.ts';
import { ARCHIVE_FILES, archivePath } from './layout.ts';
import { parseIssueJson } from './list-issues.ts';
import { type ArchiveMeta, contentHashText } from './write-issue.ts';

export type ArchivedEmail = {
  issue: Issue;
  html: string;
  text: string;
  webHtml: string;
  meta: ArchiveMeta;
  /** sha256 of content-hash.txt: the ledger row pins exactly these archived bytes. */
  digest: string;
};

/** The archived week, or null when the week has none. A changed or invalid archive throws. */
export async function readArchive(issuesDir: string, week: string): Promise<ArchivedEmail | null> {
  const read = (f: keyof typeof ARCHIVE_FILES) => readFile(archivePath(issuesDir, week, f), 'utf8');
  let issueJson: string;
  try {
    issueJson = await read('issue');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  // Named before the hash: "issue.json: not valid JSON" says more than "the hash differs".
  const issue = parseIssueJson(archivePath(issuesDir, week, 'issue'), issueJson);
  const [html, text, webHtml, metaJson, hash] = await Promise.all([
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
    [ARCHIVE_FILES.web, webHtml],
    [ARCHIVE_FILES.meta, metaJson],
  ]);
  if (contentHashText(files) !== hash) {
    throw new VerdictsError(
      'archive',
      'hash_mismatch',
      `${archivePath(issuesDir, week, 'hash')} does not match the files next to it: the archive of ${week} was changed after it was built; rebuild it (if not frozen) or restore it from git`,
    );
  }
  const digest = createHash('sha256').update(hash).digest('hex');
  return { issue, html, text, webHtml, meta: JSON.parse(metaJson) as ArchiveMeta, digest };
}

/** As readArchive, for callers to whom a missing archive is a mistake. */
export async function readArchivedEmail(issuesDir: string, week: string): Promise<ArchivedEmail> {
  const archived = await readArchive(issuesDir, week);
  if (!archived) {
    throw new VerdictsError(
      'archive',
      'not_archived',
      `${week} has no archived issue in ${issuesDir}`,
    );
  }
  return archived;
}

export type ArchivePersonaliser = Personaliser & { archived: ArchivedEmail };

/** The personaliser the sender uses: built from the archived bytes, never from a fresh render. */
export const personaliserOf = (archived: ArchivedEmail): ArchivePersonaliser =>
  Object.assign(compilePersonaliser(archived, archived.issue), { archived });

export const personaliserFromArchive = async (
  issuesDir: string,
  week: string,
): Promise<ArchivePersonaliser> => personaliserOf(await readArchivedEmail(issuesDir, week));
