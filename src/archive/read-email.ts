// The one read of a week's archive: every file of the folder once, checked against the
// content hash, yielding the issue, the email parts (placeholders intact), the web version and
// the digest the ledger pins. The sender, the test copy and the preview all take this; nothing
// reads issue.json or content-hash.txt a second time in the same job.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Issue } from '../content/index.ts';
import { VerdictsError } from '../errors.ts';
import { compilePersonaliser, type Personaliser } from '../render/index.ts';
import {
  ARCHIVE_FILES,
  archivePath,
  hashedNames,
  VARIANT_ID,
  variantFile,
  weekDir,
} from './layout.ts';
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
  /** The week's variants by id, each read from variants/<id>/ and checked on its own hash. */
  variants: ReadonlyMap<string, ArchivedEmail>;
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
  parseIssueJson(archivePath(issuesDir, week, 'issue'), issueJson);
  const [html, text, webHtml, metaJson, hash] = await Promise.all([
    read('emailHtml'),
    read('emailText'),
    read('web'),
    read('meta'),
    read('hash'),
  ]);
  const files = new Map<string, string>([
    [ARCHIVE_FILES.issue, issueJson],
    [ARCHIVE_FILES.emailHtml, html],
    [ARCHIVE_FILES.emailText, text],
    [ARCHIVE_FILES.web, webHtml],
    [ARCHIVE_FILES.meta, metaJson],
    [ARCHIVE_FILES.hash, hash],
  ]);
  // The variants' files, as the hash lists them (a name of any other shape is not read: a
  // missing one is then named by the check below).
  for (const name of hashedNames(hash).filter(isVariantFileName)) {
    try {
      files.set(name, await readFile(path.join(weekDir(issuesDir, week), name), 'utf8'));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  return archiveFromFiles(files, { where: weekDir(issuesDir, week), week });
}

/**
 * A week's archive from its files' texts (read from the folder, or as published in the
 * database), checked against its content hash. `where` names the source in errors.
 */
export function archiveFromFiles(
  files: ReadonlyMap<string, string>,
  source: { where: string; week: string },
): ArchivedEmail {
  const get = (f: keyof typeof ARCHIVE_FILES) => {
    const text = files.get(ARCHIVE_FILES[f]);
    if (text === undefined) {
      throw new VerdictsError(
        'archive',
        'invalid_issue',
        `${source.where}: ${ARCHIVE_FILES[f]} is missing from the archive of ${source.week}`,
      );
    }
    return text;
  };
  const issueJson = get('issue');
  const issue = parseIssueJson(`${source.where}/${ARCHIVE_FILES.issue}`, issueJson);
  const hash = get('hash');
  const hashed = new Map<string, string>(
    (['issue', 'emailHtml', 'emailText', 'web', 'meta'] as const).map((f) => [
      ARCHIVE_FILES[f],
      get(f),
    ]),
  );
  for (const [name, text] of files) if (isVariantFileName(name)) hashed.set(name, text);
  if (contentHashText(hashed) !== hash) {
    throw new VerdictsError(
      'archive',
      'hash_mismatch',
      `${source.where}/${ARCHIVE_FILES.hash} does not match the files next to it: the archive of ${source.week} was changed after it was built; rebuild it (if not frozen) or restore it from git`,
    );
  }
  const digest = createHash('sha256').update(hash).digest('hex');
  const meta = JSON.parse(get('meta')) as ArchiveMeta;
  const variants = new Map<string, ArchivedEmail>();
  for (const v of meta.variants ?? []) {
    const prefix = variantFile(v.id, '');
    const own = new Map(
      [...files]
        .filter(([name]) => name.startsWith(prefix))
        .map(([name, text]) => [name.slice(prefix.length), text] as const),
    );
    variants.set(
      v.id,
      archiveFromFiles(own, { where: `${source.where}/${prefix.slice(0, -1)}`, week: source.week }),
    );
  }
  return {
    issue,
    html: get('emailHtml'),
    text: get('emailText'),
    webHtml: get('web'),
    meta,
    digest,
    variants,
  };
}

const ARCHIVE_NAMES = new Set<string>(Object.values(ARCHIVE_FILES));

/** `variants/<id>/<one of the archive's file names>`, nothing else (no `..`, no nesting). */
export function isVariantFileName(name: string): boolean {
  const m = /^variants\/([^/]+)\/([^/]+)$/.exec(name);
  return m !== null && VARIANT_ID.test(m[1]!) && ARCHIVE_NAMES.has(m[2]!);
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
