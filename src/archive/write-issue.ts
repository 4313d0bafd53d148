// Write one week's archive folder: issue data, email HTML and text (with placeholders), web
// version, meta and a content hash, all at once or not at all. A frozen week (sending has
// started) is never replaced: what was sent must stay what is archived.
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { VerdictsError } from '../errors.ts';
import type { LintFinding } from '../render/index.ts';
import { replaceDir } from './atomic.ts';
import { ARCHIVE_FILES, variantFile, weekDir } from './layout.ts';

/** True when the week must not be rebuilt (the send store knows). */
export type FreezeCheck = (week: string) => Promise<boolean>;
export const neverFrozen: FreezeCheck = async () => false;

export type ArchiveMeta = {
  week: string;
  number: number;
  subject: string;
  preheader: string;
  pairs: string[];
  htmlBytes: number;
  /** email.html quoted-printable, as the MIME composer sends it: what the limits count. */
  htmlWireBytes?: number;
  textBytes: number;
  webBytes: number;
  htmlLimitBytes: number;
  /** The PUBLIC_BASE_URL every link was built with; send refuses another one. */
  baseUrl?: string;
  /** The lint findings at build time: the pre-send gate reads them. */
  lint?: LintFinding[];
  /**
   * The week's variants (issue #26), each archived in variants/<id>/ with its own files and
   * content hash: the subset of pairs a reader's topics give. None: every reader gets this.
   */
  variants?: ArchiveVariantMeta[];
};

/** A variant as the week's meta.json lists it. */
export type ArchiveVariantMeta = { id: string; pairs: string[]; categories: string[] };

/** A variant's folder: the same files as the week's, rendered from the variant's pairs. */
export type ArchiveVariantContent = { id: string; content: ArchiveContent };

export type ArchiveContent = {
  issueJson: string;
  emailHtml: string;
  emailText: string;
  webHtml: string;
  meta: ArchiveMeta;
  variants?: readonly ArchiveVariantContent[];
};

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * The files of a week's folder, by name (a variant's under `variants/<id>/`), content hash
 * included (sha256sum format). Each variant folder has its own content-hash.txt; the week's
 * lists every file, the variants' too, so the digest the ledger pins covers them all.
 */
export function archiveFiles(content: ArchiveContent): Map<string, string> {
  const files = new Map<string, string>([
    [ARCHIVE_FILES.issue, content.issueJson],
    [ARCHIVE_FILES.emailHtml, content.emailHtml],
    [ARCHIVE_FILES.emailText, content.emailText],
    [ARCHIVE_FILES.web, content.webHtml],
    [ARCHIVE_FILES.meta, `${JSON.stringify(content.meta, null, 2)}\n`],
  ]);
  for (const v of content.variants ?? []) {
    for (const [name, text] of archiveFiles(v.content)) files.set(variantFile(v.id, name), text);
  }
  files.set(ARCHIVE_FILES.hash, contentHashText(files));
  return files;
}

/** content-hash.txt: one `sha256  name` line per file, sorted (checkable with `sha256sum -c`). */
export function contentHashText(files: ReadonlyMap<string, string>): string {
  return [...files.keys()]
    .filter((name) => name !== ARCHIVE_FILES.hash)
    .sort()
    .map((name) => `${sha256(files.get(name)!)}  ${name}\n`)
    .join('');
}

/** Why a frozen week is not rebuilt: a value for the build job, thrown by the last guard. */
export const frozenError = (week: string): VerdictsError<'archive'> =>
  new VerdictsError(
    'archive',
    'week_frozen',
    `${week} is frozen: sending has started, so its archive is what subscribers get and cannot be rebuilt`,
  );

export async function assertNotFrozen(week: string, isFrozen: FreezeCheck): Promise<void> {
  if (await isFrozen(week)) throw frozenError(week);
}

export async function writeIssueArchive(
  issuesDir: string,
  week: string,
  content: ArchiveContent,
  opts: { isFrozen: FreezeCheck },
): Promise<string> {
  await assertNotFrozen(week, opts.isFrozen);
  const dir = weekDir(issuesDir, week);
  const files = archiveFiles(content);
  await replaceDir(dir, async (tmp) => {
    for (const [name, text] of files) {
      const file = path.join(tmp, name);
      await mkdir(path.dirname(file), { recursive: true, mode: 0o755 });
      await writeFile(file, text);
    }
  });
  return dir;
}
