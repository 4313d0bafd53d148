// Streaming UTF-8 validation for an import: a file that claims nothing about its encoding is
// read as UTF-8 only when it is UTF-8, so a Latin-1 list is refused naming its line instead of
// storing U+FFFD in place of a letter (`--encoding latin1` reads it as what it is).
import { isUtf8 } from 'node:buffer';
import { VerdictsError } from '../errors.ts';

/**
 * A chunk may end inside a character, so up to three trailing bytes wait for the next chunk.
 * The line of the first bad byte is counted from the start.
 */
export function utf8Checker(file: string) {
  let carry = Buffer.alloc(0);
  let lines = 1;
  const fail = (bytes: Buffer, at: number): never => {
    for (let i = 0; i < at; i++) if (bytes[i] === 0x0a) lines++;
    const byte = (bytes[at] ?? 0).toString(16).padStart(2, '0');
    throw new VerdictsError(
      'store',
      'bad_csv',
      `${file}: line ${lines}: not valid UTF-8 (byte 0x${byte}); if the file is Latin-1, import it with --encoding latin1`,
    );
  };
  return {
    check(chunk: Buffer) {
      const bytes = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
      const cut = bytes.length - incompleteTail(bytes);
      const whole = bytes.subarray(0, cut);
      if (!isUtf8(whole)) fail(whole, firstBadByte(whole));
      for (let i = whole.indexOf(0x0a); i !== -1; i = whole.indexOf(0x0a, i + 1)) lines++;
      carry = Buffer.from(bytes.subarray(cut));
    },
    end() {
      if (carry.length > 0) fail(carry, 0);
    },
  };
}

/** Bytes at the end that start a character not yet complete (0 to 3). */
function incompleteTail(b: Buffer): number {
  for (let back = 1; back <= Math.min(3, b.length); back++) {
    const byte = b[b.length - back]!;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

/** Offset of the first byte that starts no valid UTF-8 sequence (only run on a bad chunk). */
function firstBadByte(b: Buffer): number {
  for (let i = 0; i < b.length; ) {
    const len = validSequenceAt(b, i);
    if (len === 0) return i;
    i += len;
  }
  return 0;
}

function validSequenceAt(b: Buffer, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  const need =
    c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
  if (need === 0 || i + need > b.length) return 0;
  return isUtf8(b.subarray(i, i + need)) ? need : 0;
}
