// Read one data file without trusting what sits at its path. A contributor's `data/` may hold a
// FIFO (reading it waits forever), a link to /dev/zero (never ends), a symlink loop or a
// dangling link (errors with stack traces), or a file far too big to parse. Each becomes a
// reason, refused before a byte is read; only a regular file under the size cap is read.

import type { Stats } from 'node:fs';
import { constants, type FileHandle, lstat, open, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { err, ok, type Result } from '../result.ts';

/** Default DATA_FILE_MAX_BYTES: the largest real data file is a few KB. */
export const DEFAULT_MAX_DATA_FILE_BYTES = 1024 * 1024;

const kindOf = (st: Stats) =>
  st.isDirectory()
    ? 'a directory'
    : st.isFIFO()
      ? 'a FIFO (named pipe)'
      : st.isCharacterDevice() || st.isBlockDevice()
        ? 'a device'
        : st.isSocket()
          ? 'a socket'
          : 'not a file';

export const formatBytes = (n: number) =>
  n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`;

async function openFailure(file: string, e: NodeJS.ErrnoException): Promise<string> {
  if (e.code === 'ELOOP') return 'a symbolic link loop: not a regular file';
  if (e.code === 'ENXIO') return 'a socket: not a regular file';
  if (e.code === 'ENOENT') {
    const link = await lstat(file).catch(() => undefined);
    return link?.isSymbolicLink()
      ? 'a dangling symbolic link (its target does not exist)'
      : 'disappeared while reading';
  }
  if (e.code === 'EACCES') return 'not readable (permission denied)';
  return `cannot be read (${e.code ?? e.message})`;
}

/**
 * A symbolic link whose target lies outside `root` (a link to /etc/passwd in data/): refused
 * unread, since a parse error would quote the start of whatever it points at.
 */
async function leavesRoot(file: string, root: string): Promise<boolean> {
  const link = await lstat(file).catch(() => undefined);
  if (!link?.isSymbolicLink()) return false;
  const target = await realpath(file).catch(() => undefined);
  // Dangling, a loop, a device, a FIFO: the open and fstat below say which.
  if (target === undefined || !(await stat(target).catch(() => undefined))?.isFile()) return false;
  const base = await realpath(root).catch(() => root);
  const rel = path.relative(base, target);
  return rel === '' || rel.startsWith('..') || path.isAbsolute(rel);
}

/**
 * The file's text, or why it is refused (one line, no path: the caller names the file). With
 * `within`, a symbolic link to anything outside that folder is refused too.
 */
export async function readBounded(
  file: string,
  maxBytes: number,
  within?: string,
): Promise<Result<string, string>> {
  if (within !== undefined && (await leavesRoot(file, within))) {
    return err('a symbolic link to a file outside the data folder: not read');
  }
  let fh: FileHandle;
  try {
    // O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever.
    fh = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    return err(await openFailure(file, e as NodeJS.ErrnoException));
  }
  try {
    // fstat on the open handle, so what is checked is what is read.
    const st = await fh.stat();
    if (!st.isFile()) return err(`${kindOf(st)}: not a regular file`);
    if (st.size > maxBytes)
      return err(
        `${formatBytes(st.size)}, over the ${formatBytes(maxBytes)} cap (DATA_FILE_MAX_BYTES)`,
      );
    // One byte more than fstat promised: a file still growing (or a size that lies) shows.
    const buf = Buffer.alloc(st.size + 1);
    let filled = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, filled, buf.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
      if (filled === buf.length) return err('changed while being read: try again');
    }
    try {
      return ok(new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(0, filled)));
    } catch {
      return err('not UTF-8 text');
    }
  } catch (e) {
    return err(`cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  } finally {
    await fh.close();
  }
}
