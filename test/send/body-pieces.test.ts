// Pieces laid out in a reused workspace come out as their concatenation, block after block,
// each block ending between pieces unless a piece is larger than a block, however many pieces or text bytes there are, and a
// workspace given back after one body is reused by the next without mixing their bytes.
import { describe, expect, it } from 'vitest';
import { BLOCK_BYTES, type BlockBody, BodyPieces } from '../../src/send/body-pieces.ts';

const bytes = (s: string) => new Uint8Array(Buffer.from(s));

function readAll(body: BlockBody): { whole: Buffer; blocks: number[] } {
  const parts: Buffer[] = [];
  for (let b = body.next(); b; b = body.next()) parts.push(Buffer.from(b));
  expect(body.next()).toBeNull();
  return { whole: Buffer.concat(parts), blocks: parts.map((p) => p.length) };
}

describe('BodyPieces', () => {
  it('gives the concatenation in blocks ending between pieces; only a piece larger than a block is split', () => {
    const big = bytes('s'.repeat(BLOCK_BYTES + 10));
    const group = [bytes('<a>'), bytes('</a>')];
    const out = new BodyPieces();
    let expected = '';
    out.segment(big);
    expected += 's'.repeat(BLOCK_BYTES + 10);
    for (let i = 0; i < 3000; i++) {
      out.nextPart();
      out.segment(group[0]!, group, 0);
      out.value(`é${i}☕`, (v) => v.toUpperCase());
      out.value(`é${i}☕`, (v) => v.toUpperCase()); // repeated: written once, given twice
      out.segment(group[1]!, group, 1);
      out.text('🚀'.repeat(i % 7));
      expected += `<a>É${i}☕É${i}☕</a>${'🚀'.repeat(i % 7)}`;
    }
    const body = out.finish();
    const { whole, blocks } = readAll(body);
    expect(body.length).toBe(Buffer.byteLength(expected));
    expect(whole.toString('utf8')).toBe(expected);
    // The big segment fills the first block and spills into the second; after that a block
    // ends where the next piece would not fit (no piece here is over 40 bytes).
    expect(blocks[0]).toBe(BLOCK_BYTES);
    expect(blocks.every((n) => n > 0 && n <= BLOCK_BYTES)).toBe(true);
    expect(blocks.slice(1, -1).every((n) => n > BLOCK_BYTES - 40)).toBe(true);
  });

  it('grows past its first workspace: texts beyond 64 KB, pieces beyond its layout', () => {
    const out = new BodyPieces();
    const sep = bytes(',');
    let expected = '';
    for (let i = 0; i < 20_000; i++) {
      out.nextPart();
      out.value(`v${i}`, (v) => v);
      out.segment(sep);
      expected += `v${i},`;
    }
    out.text('z'.repeat(300_000));
    expected += 'z'.repeat(300_000);
    expect(readAll(out.finish()).whole.toString('utf8')).toBe(expected);
  });

  it('a body read to its end gives its workspace to the next, which keeps its own bytes', () => {
    const lay = (tag: string) => {
      const out = new BodyPieces();
      for (let i = 0; i < 500; i++) out.text(`${tag}${i};`);
      return out.finish();
    };
    const first = lay('a');
    const second = lay('b'); // laid out while `first` still holds its workspace
    expect(readAll(first).whole.toString()).toMatch(/^a0;a1;/);
    const third = lay('c'); // may take `first`'s workspace
    expect(readAll(second).whole.toString()).toMatch(/^b0;b1;.*b499;$/);
    expect(readAll(third).whole.toString()).toMatch(/^c0;c1;.*c499;$/);
    expect(lay('').length).toBe(
      Buffer.byteLength(Array.from({ length: 500 }, (_, i) => `${i};`).join('')),
    );
  });
});
