// A request body made of shared segments (encoded once, held by whoever shares them) and a few
// short texts of its own, laid out in one buffer reused from body to body and handed out a
// block at a time. Everything a body owns sits in that buffer: its texts (each UTF-8 once),
// the block it is copied out through, and the layout, two numbers a piece (a segment's index,
// or where its text lies). So a body waiting on a slow socket holds a handful of objects
// however large the batch, and nothing of it is copied by the young-generation collections
// that run meanwhile (the survivors of those grow the young generation over a long send).
// Pure: no I/O.

export type BlockBody = {
  /** The Content-Length. */
  readonly length: number;
  /**
   * The next bytes of the body, or null when all were given. The block is the body's own and
   * the next call overwrites it: write it out first.
   */
  next(): Buffer | null;
};

/** Bytes a body gives out at a time. */
export const BLOCK_BYTES = 64 * 1024;
const TEXT_BYTES = 64 * 1024;
const OPS = 16_384;

type Workspace = { buf: Buffer; textEnd: number; block: Buffer; ops: Int32Array<ArrayBuffer> };
/** Workspaces of bodies given out in full, for the next bodies (a few are in use at once). */
const spare: Workspace[] = [];

function workspace(textEnd = TEXT_BYTES, ops = new Int32Array(OPS)): Workspace {
  const buf = Buffer.allocUnsafeSlow(textEnd + BLOCK_BYTES);
  return { buf, textEnd, block: buf.subarray(textEnd), ops };
}

/** One body being laid out, piece after piece. */
export class BodyPieces {
  private ws = spare.pop() ?? workspace();
  private used = 0;
  private count = 0;
  private length = 0;
  private readonly consts: Uint8Array[] = [];
  private readonly constAt = new Map<object, number>();
  // The last segment group looked up: an email's literals come one after another.
  private lastKey: object | null = null;
  private lastBase = 0;
  // The values written in the current part, and where their ops are: a few per part, kept in
  // place (reset by count) so that laying out an email allocates nothing here.
  private readonly seen: string[] = [];
  private readonly seenAt: number[] = [];
  private seenCount = 0;

  private op(a: number, b: number, bytes: number): void {
    if (this.count + 2 > this.ws.ops.length) {
      const ops = new Int32Array(this.ws.ops.length * 2);
      ops.set(this.ws.ops);
      this.ws.ops = ops;
    }
    this.ws.ops[this.count++] = a;
    this.ws.ops[this.count++] = b;
    this.length += bytes;
  }

  /** A shared segment: `bytes` itself, or `group[index]` of an array of them (an issue's). */
  segment(bytes: Uint8Array, group: readonly Uint8Array[] | null = null, index = 0): void {
    const key = group ?? bytes;
    let base = key === this.lastKey ? this.lastBase : this.constAt.get(key);
    if (base === undefined) {
      base = this.consts.length;
      this.constAt.set(key, base);
      if (group) this.consts.push(...group);
      else this.consts.push(bytes);
    }
    this.lastKey = key;
    this.lastBase = base;
    this.op(base + index, 0, bytes.length);
  }

  /** From here on, a repeated value (below) is looked up among this part's only (one email). */
  nextPart(): void {
    this.seen.fill('', 0, this.seenCount);
    this.seenCount = 0;
  }

  /** `encode(key)` as UTF-8, written once per part however often the part repeats `key`. */
  value(key: string, encode: (key: string) => string): void {
    for (let i = 0; i < this.seenCount; i++) {
      if (this.seen[i] === key) {
        const at = this.seenAt[i]!;
        const len = this.ws.ops[at + 1]!;
        this.op(this.ws.ops[at]!, len, len);
        return;
      }
    }
    this.seen[this.seenCount] = key;
    this.seenAt[this.seenCount++] = this.count;
    this.text(encode(key));
  }

  /** `s` as UTF-8. */
  text(s: string): void {
    if (this.used + s.length * 3 > this.ws.textEnd) this.grow(this.used + s.length * 3);
    const { buf } = this.ws;
    const at = this.used;
    let n = 0;
    // A short ASCII text (a token, a URL, an address) is copied here: cheaper than the call.
    if (s.length <= 64) {
      while (n < s.length) {
        const c = s.charCodeAt(n);
        if (c > 0x7f) break;
        buf[at + n++] = c;
      }
    }
    if (n < s.length) n = buf.write(s, at);
    this.op(-1 - at, n, n);
    this.used = at + n;
  }

  private grow(need: number): void {
    let end = this.ws.textEnd * 2;
    while (end < need) end *= 2;
    const bigger = workspace(end, this.ws.ops);
    this.ws.buf.copy(bigger.buf, 0, 0, this.used);
    this.ws = bigger;
  }

  /** The body as laid out; this layout takes no more pieces. */
  finish(): BlockBody {
    return { length: this.length, next: reader(this.ws, this.count, this.consts) };
  }
}

/** Copies the pieces through the workspace's block; gives the workspace back at the end. */
function reader(ws: Workspace, count: number, consts: Uint8Array[]): BlockBody['next'] {
  let i = 0;
  let at = 0; // bytes of piece i already given
  let done = false;
  return () => {
    if (done) return null;
    const { buf, textEnd: start, ops, block } = ws;
    let off = 0;
    while (i < count && off < BLOCK_BYTES) {
      const a = ops[i]!;
      const p = a >= 0 ? consts[a]! : null;
      const len = p ? p.length : ops[i + 1]!;
      const left = len - at;
      const room = BLOCK_BYTES - off;
      // A block ends before a piece that does not fit, unless it is still empty (a piece
      // larger than a block): only then is a piece split, and a part of it viewed.
      if (left > room && off > 0) break;
      const n = Math.min(left, room);
      if (p) buf.set(n === len ? p : p.subarray(at, at + n), start + off);
      else buf.copyWithin(start + off, -1 - a + at, -1 - a + at + n);
      off += n;
      at += n;
      if (at < len) break; // the block is full
      i += 2;
      at = 0;
    }
    if (off > 0) return off === BLOCK_BYTES ? block : block.subarray(0, off);
    // All given, and the caller wrote the last block before asking again.
    done = true;
    consts.length = 0;
    if (spare.length < 4 && ws.textEnd === TEXT_BYTES && ws.ops.length === OPS) spare.push(ws);
    return null;
  };
}
