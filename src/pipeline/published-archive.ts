// A frozen week's archive in the store: published by the sender once the week is frozen (the
// ledger row pins its digest), read by every public server, whichever host it runs on and
// whether or not it has an issues/ folder. Read back, the files are checked twice: each
// against its sha256 (the store), then all of them against content-hash.txt (the archive).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  ARCHIVE_FILES,
  type ArchivedEmail,
  archiveFromFiles,
  hashedNames,
  isVariantFileName,
  weekDir,
} from '../archive/index.ts';
import { VerdictsError } from '../errors.ts';
import type { ArchiveRepo } from '../store/index.ts';

const NAMES = Object.values(ARCHIVE_FILES);

/** Publish the week's archive as it is in `issuesDir` (the bytes the sender sends). */
export async function publishArchive(
  archive: Pick<ArchiveRepo, 'publish'>,
  issuesDir: string,
  week: string,
  at: Date,
): Promise<'published' | 'unchanged'> {
  const dir = weekDir(issuesDir, week);
  const hash = await readFile(path.join(dir, ARCHIVE_FILES.hash), 'utf8');
  const names = [...new Set([...NAMES, ...hashedNames(hash).filter(isVariantFileName)])];
  const files = await Promise.all(
    names.map(async (name) => ({ name, body: await readFile(path.join(dir, name)) })),
  );
  const out = await archive.publish(week, files, at);
  if (out === 'conflict') {
    throw new VerdictsError(
      'archive',
      'hash_mismatch',
      `the archive of ${week} in ${dir} differs from the one already published in the database for it; restore issues/${week} from git`,
    );
  }
  return out;
}

/** The week's archive as published, checked; null when it was never published. */
export async function readPublishedArchive(
  archive: Pick<ArchiveRepo, 'files'>,
  week: string,
): Promise<ArchivedEmail | null> {
  const files = await archive.files(week);
  if (files.length === 0) return null;
  const texts = new Map(files.map((f) => [f.name, f.body.toString('utf8')]));
  return archiveFromFiles(texts, { where: `the database's published ${week}`, week });
}
