// Writes that either happen completely or not at all: a file goes through a temp file and a
// rename; a week's folder is filled as a hidden temp folder and swapped in with renames.
import { randomBytes } from 'node:crypto';
import { renameSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export async function writeFileAtomic(file: string, data: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    await writeFile(tmp, data);
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/**
 * Fill a fresh hidden folder next to `target`, then swap it in. A failure while filling leaves
 * `target` as it was; readers never see a half-written folder (hidden names are not weeks).
 */
export async function replaceDir(
  target: string,
  fill: (dir: string) => Promise<void>,
): Promise<void> {
  const parent = path.dirname(target);
  await mkdir(parent, { recursive: true });
  const tmp = await mkdtemp(path.join(parent, `.${path.basename(target)}.new-`));
  try {
    await chmod(tmp, 0o755); // mkdtemp makes 0700; the archive is served as static files
    await fill(tmp);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
  const old = path.join(parent, `.${path.basename(target)}.old-${randomBytes(4).toString('hex')}`);
  // The swap is synchronous: no signal handler (the CLI ends on SIGINT/SIGTERM) can run between
  // moving the old folder aside and moving the new one in, so `target` is never left missing.
  let moved = false;
  try {
    renameSync(target, old);
    moved = true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
      await rm(tmp, { recursive: true, force: true });
      throw e;
    }
  }
  try {
    renameSync(tmp, target);
  } catch (e) {
    if (moved) renameSync(old, target);
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
  if (moved) await rm(old, { recursive: true, force: true });
}
