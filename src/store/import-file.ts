// The file an import reads: only a regular file (a FIFO or /dev/zero would wait or run
// forever), opened without waiting, read at given offsets, and checked again at the end so a
// file that changed between the two passes is never applied half-validated.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { VerdictsError } from '../errors.ts';

/** What a file is when it is not a regular file, for a one-line refusal. */
export function fileKind(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a file';
}

/** An open import file: its descriptor, and what it was when opened (size, last change). */
export type OpenFile = { fd: number; file: string; stamp: string };

const stampOf = (st: Stats) => `${st.size}:${st.mtimeMs}:${st.ctimeMs}`;

/**
 * Open without waiting (O_NONBLOCK: a FIFO with no writer would block the open forever) and
 * refuse anything but a regular file, checked on the open descriptor (what is read is what
 * was checked).
 */
export function openRegularFile(file: string): OpenFile {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw readError(file, e);
  }
  const st = fstatSync(fd);
  if (!st.isFile()) {
    closeSync(fd);
    throw new VerdictsError('store', 'not_a_file', `${file}: ${fileKind(st)}: not a regular file`);
  }
  return { fd, file, stamp: stampOf(st) };
}

/** Whether the file's size or modification time differs from when it was opened. */
export const fileChanged = (f: OpenFile): boolean => stampOf(fstatSync(f.fd)) !== f.stamp;

export function readChunk(f: OpenFile, buf: Buffer, pos: number): number {
  try {
    return readSync(f.fd, buf, 0, buf.length, pos);
  } catch (e) {
    throw readError(f.file, e);
  }
}

/** A file that cannot be opened or read: csv_not_found when it is not there. */
export function readError(file: string, e: unknown): VerdictsError {
  if (e instanceof VerdictsError) return e;
  const code = (e as NodeJS.ErrnoException).code;
  return new VerdictsError(
    'store',
    code === 'ENOENT' ? 'csv_not_found' : 'bad_csv',
    `${file}: cannot read: ${(e as Error).message}`,
  );
}
