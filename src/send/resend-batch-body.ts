// The body of POST /emails/batch, byte for byte what the resend SDK (6.38) sends for the same
// emails: `JSON.stringify` of its snake_case mapping (parseEmailToApiOptions, keys in its
// order, undefined fields left out), UTF-8.
//
// Built in two steps. batchBody() lays the body out as pieces: the shared segments,
// JSON-escaped and encoded once per issue, and between them each reader's few values, encoded
// once each into one small arena per body; that gives the Content-Length. fill() then copies
// the pieces into the block a request is writing, so a request holds a block of bytes at a
// time, never a whole body (a six-pair batch is 9.6 MB), and the socket gets a few large
// writes instead of thousands of small ones (6,500 chunks a six-pair batch cost more CPU in
// node's stream code than copying their bytes does).
// JSON escaping works character by character, so escaping the pieces equals escaping their
// concatenation; the segments split at ASCII placeholders, so no surrogate pair is cut.
import { asFilled, type Filled } from '../render/index.ts';
import type { OutgoingEmail } from './transport.ts';

export type BatchBody = {
  /** The Content-Length. */
  readonly length: number;
  /** Copies the next bytes of the body into `block` from its start; how many (0: no more). */
  fill(block: Buffer): number;
};

/** Characters JSON.stringify writes otherwise than as themselves (surrogates: lone ones). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters JSON escapes are the point
const ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/;
/** The inside of a JSON string literal, without its quotes. */
const jsonInner = (s: string) => (ESCAPED.test(s) ? JSON.stringify(s).slice(1, -1) : s);
const member = (key: string, value: unknown) => `${JSON.stringify(key)}:${JSON.stringify(value)}`;

/** Bytes as a plain view: every piece is one kind of object, and Buffer's methods are not needed. */
const view = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.length);
const bytesOf = (s: string) => view(Buffer.from(s));

// Keyed by the literals array every recipient of one issue shares; a one-off string body gets
// its own array and is collected with it.
const encoded = new WeakMap<readonly string[], Uint8Array[]>();

function literalBytes(literals: readonly string[]): Uint8Array[] {
  let bytes = encoded.get(literals);
  if (!bytes) {
    bytes = literals.map((l) => bytesOf(jsonInner(l)));
    encoded.set(literals, bytes);
  }
  return bytes;
}

const ARENA_BYTES = 64 * 1024;
/** Arenas of bodies already copied out, for the next bodies (a few are in use at once). */
const spareArenas: Buffer[] = [];

/**
 * One body's own values (the readers'), JSON-escaped UTF-8 in an arena the body gives back
 * once copied out. A value an email repeats (its link in the HTML, the text and a header, its
 * address in both parts and `to`) is written once: the pieces are views.
 */
class Values {
  private arenas = [spareArenas.pop() ?? Buffer.allocUnsafeSlow(ARENA_BYTES)];
  private used = 0;
  private readonly seen: string[] = [];
  private readonly views: Uint8Array[] = [];

  /** The next email starts: what the last one repeated is not looked up any more. */
  nextEmail(): void {
    this.seen.length = 0;
    this.views.length = 0;
  }

  json(s: string): Uint8Array {
    for (let i = 0; i < this.seen.length; i++) if (this.seen[i] === s) return this.views[i]!;
    const bytes = this.raw(jsonInner(s));
    this.seen.push(s);
    this.views.push(bytes);
    return bytes;
  }

  /** `s` as it is (already JSON). */
  raw(s: string): Uint8Array {
    let arena = this.arenas[this.arenas.length - 1]!;
    if (this.used + s.length * 3 > arena.length) {
      arena = Buffer.allocUnsafeSlow(Math.max(ARENA_BYTES, s.length * 3));
      this.arenas.push(arena);
      this.used = 0;
    }
    const start = this.used;
    this.used += arena.write(s, start);
    return new Uint8Array(arena.buffer, arena.byteOffset + start, this.used - start);
  }

  release(): void {
    for (const a of this.arenas)
      if (a.length === ARENA_BYTES && spareArenas.length < 8) spareArenas.push(a);
    this.arenas = [];
  }
}

/** literals[0], value, literals[1], … */
function layFilled(out: Uint8Array[], values: Values, { literals, slots, values: vs }: Filled) {
  const lits = literalBytes(literals);
  out.push(lits[0]!);
  for (let i = 0; i < slots.length; i++) out.push(values.json(vs[slots[i]!]!), lits[i + 1]!);
}

/** Per header name: the JSON before its value, and the value's own while it repeats email after email (List-Id, List-Unsubscribe-Post). */
type HeaderParts = { first: Uint8Array; later: Uint8Array; value: string; json: Uint8Array | null };
const headerParts = new Map<string, HeaderParts>();

function partsOf(key: string): HeaderParts {
  let parts = headerParts.get(key);
  if (!parts) {
    if (headerParts.size >= 64) headerParts.clear();
    const name = JSON.stringify(key);
    parts = {
      first: bytesOf(`,"headers":{${name}:`),
      later: bytesOf(`,${name}:`),
      value: '',
      json: null,
    };
    headerParts.set(key, parts);
  }
  return parts;
}

/** The headers member, if there are headers; whether there were. */
function layHeaders(out: Uint8Array[], values: Values, headers: Record<string, string>): boolean {
  const keys = Object.keys(headers);
  for (let i = 0; i < keys.length; i++) {
    const parts = partsOf(keys[i]!);
    const value = headers[keys[i]!]!;
    out.push(i === 0 ? parts.first : parts.later);
    if (parts.value === value) {
      parts.json ??= bytesOf(JSON.stringify(value));
      out.push(parts.json);
    } else {
      parts.value = value;
      parts.json = null;
      out.push(values.raw(JSON.stringify(value)));
    }
  }
  return keys.length > 0;
}

// The fields between html and text are the same for every reader of an issue (the sender
// passes the same subject and tags): encoded once while they repeat.
let lastMid: { key: readonly unknown[]; bytes: Uint8Array } | null = null;

function midBytes(e: OutgoingEmail): Uint8Array {
  const key = [e.replyTo, e.subject, e.tags] as const;
  if (lastMid?.key.every((k, i) => k === key[i])) return lastMid.bytes;
  const mid = [];
  if (e.replyTo) mid.push(member('reply_to', e.replyTo));
  mid.push(member('subject', e.subject));
  if (e.tags.length > 0) mid.push(member('tags', e.tags));
  lastMid = { key, bytes: bytesOf(`",${mid.join(',')},"text":"`) };
  return lastMid.bytes;
}

let lastFrom: { from: string; first: Uint8Array; later: Uint8Array } | null = null;

function openBytes(from: string, first: boolean): Uint8Array {
  if (lastFrom?.from !== from) {
    const json = member('from', from);
    lastFrom = { from, first: bytesOf(`[{${json}`), later: bytesOf(`,{${json}`) };
  }
  return first ? lastFrom.first : lastFrom.later;
}

const HTML_AFTER_HEADERS = bytesOf('},"html":"');
const HTML = bytesOf(',"html":"');
const TO = bytesOf('","to":"');
const END = bytesOf('"}');

/** One email object, in parseEmailToApiOptions' key order: from, headers, html, reply_to, subject, tags, text, to. */
function layEmail(out: Uint8Array[], values: Values, e: OutgoingEmail, first: boolean): void {
  values.nextEmail();
  out.push(openBytes(e.from, first));
  out.push(layHeaders(out, values, e.headers) ? HTML_AFTER_HEADERS : HTML);
  layFilled(out, values, asFilled(e.html));
  out.push(midBytes(e));
  layFilled(out, values, asFilled(e.text));
  out.push(TO, values.json(e.to), END);
}

const EMPTY = bytesOf('[]');
const CLOSE = bytesOf(']');

export function batchBody(emails: readonly OutgoingEmail[]): BatchBody {
  if (emails.length === 0) return { length: EMPTY.length, fill: filler([EMPTY], null) };
  const pieces: Uint8Array[] = [];
  const values = new Values();
  for (let i = 0; i < emails.length; i++) layEmail(pieces, values, emails[i]!, i === 0);
  pieces.push(CLOSE);
  let length = 0;
  for (let i = 0; i < pieces.length; i++) length += pieces[i]!.length;
  return { length, fill: filler(pieces, values) };
}

function filler(pieces: Uint8Array[], values: Values | null): BatchBody['fill'] {
  let next = 0;
  let at = 0; // bytes of pieces[next] already given
  return (block) => {
    const room = block.length;
    let off = 0;
    let i = next;
    const end = pieces.length;
    while (i < end && off < room) {
      const p = pieces[i]!;
      if (at === 0 && p.length <= room - off) {
        block.set(p, off);
        off += p.length;
        i++;
        continue;
      }
      const n = Math.min(p.length - at, room - off);
      block.set(p.subarray(at, at + n), off);
      off += n;
      at += n;
      if (at === p.length) {
        i++;
        at = 0;
      }
    }
    next = i;
    if (i === end && end > 0) {
      // All given: the readers' values can go, and their arena to the next body.
      pieces.length = 0;
      next = 0;
      values?.release();
    }
    return off;
  };
}

/** The whole body in one buffer: for tests and comparisons, not for sending. */
export function bodyBytes(body: BatchBody): Buffer {
  const out = Buffer.allocUnsafe(body.length);
  let off = 0;
  for (let n = body.fill(out); n > 0; n = body.fill(out.subarray(off))) off += n;
  if (off !== body.length) throw new Error(`batch body: ${off} bytes, ${body.length} announced`);
  return out;
}
