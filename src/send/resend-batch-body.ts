// The body of POST /emails/batch, byte for byte what the resend SDK (6.38) sends for the same
// emails: `JSON.stringify` of its snake_case mapping (parseEmailToApiOptions, keys in its
// order, undefined fields left out), UTF-8.
//
// Laid out once (body-pieces.ts): the shared segments, JSON-escaped and encoded once
// per issue, and between them each reader's few values, each written once per email; then
// copied out a 64 KB block at a time as the request writes it. So a request holds one block
// of bytes, never a whole body (a six-pair batch is 9.6 MB), and the socket gets a few large
// writes instead of thousands of small ones (6,500 chunks a six-pair batch cost more CPU in
// node's stream code than copying their bytes does).
// JSON escaping works character by character, so escaping the pieces equals escaping their
// concatenation; the segments split at ASCII placeholders, so no surrogate pair is cut.
import { asFilled, type Filled } from '../render/index.ts';
import { type BlockBody, BodyPieces } from './body-pieces.ts';
import type { OutgoingEmail } from './transport.ts';

/** A laid-out body and how many emails it holds. */
export type BatchBody = BlockBody & { readonly count: number };

/** Characters JSON.stringify writes otherwise than as themselves (surrogates: lone ones). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters JSON escapes are the point
const ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/;
/** The inside of a JSON string literal, without its quotes. */
const jsonInner = (s: string) => (ESCAPED.test(s) ? JSON.stringify(s).slice(1, -1) : s);
const member = (key: string, value: unknown) => `${JSON.stringify(key)}:${JSON.stringify(value)}`;

/** Bytes as a plain view: Buffer's methods are not needed. */
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

// The fields between html and text are the same for every reader of an issue (the sender
// passes the same subject and tags): encoded once while they repeat.
let lastMid: {
  replyTo: string | undefined;
  subject: string;
  tags: OutgoingEmail['tags'];
  bytes: Uint8Array;
} | null = null;

function midBytes({ replyTo, subject, tags }: OutgoingEmail): Uint8Array {
  if (
    lastMid &&
    lastMid.replyTo === replyTo &&
    lastMid.subject === subject &&
    lastMid.tags === tags
  ) {
    return lastMid.bytes;
  }
  const mid = [];
  if (replyTo) mid.push(member('reply_to', replyTo));
  mid.push(member('subject', subject));
  if (tags.length > 0) mid.push(member('tags', tags));
  lastMid = { replyTo, subject, tags, bytes: bytesOf(`",${mid.join(',')},"text":"`) };
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

/** literals[0], value, literals[1], … */
function layFilled(out: BodyPieces, { literals, slots, values }: Filled): void {
  const lits = literalBytes(literals);
  out.segment(lits[0]!, lits, 0);
  for (let i = 0; i < slots.length; i++) {
    out.value(values[slots[i]!]!, jsonInner);
    out.segment(lits[i + 1]!, lits, i + 1);
  }
}

const QUOTE = bytesOf('"');

/** The headers member, if there are headers; whether there were. */
function layHeaders(out: BodyPieces, headers: Record<string, string>): boolean {
  let first = true;
  for (const key in headers) {
    const parts = partsOf(key);
    const value = headers[key]!;
    out.segment(first ? parts.first : parts.later);
    first = false;
    if (parts.value === value) {
      parts.json ??= bytesOf(JSON.stringify(value));
      out.segment(parts.json);
    } else {
      // A value of this email's own (List-Unsubscribe): written as it is, quoted and escaped.
      parts.value = value;
      parts.json = null;
      out.segment(QUOTE);
      out.text(jsonInner(value));
      out.segment(QUOTE);
    }
  }
  return !first;
}

/** One email object, in parseEmailToApiOptions' key order: from, headers, html, reply_to, subject, tags, text, to. */
function layEmail(out: BodyPieces, e: OutgoingEmail, first: boolean): void {
  out.nextPart();
  out.segment(openBytes(e.from, first));
  out.segment(layHeaders(out, e.headers) ? HTML_AFTER_HEADERS : HTML);
  layFilled(out, asFilled(e.html));
  out.segment(midBytes(e));
  layFilled(out, asFilled(e.text));
  out.segment(TO);
  out.value(e.to, jsonInner);
  out.segment(END);
}

const EMPTY = bytesOf('[]');
const CLOSE = bytesOf(']');

export function batchBody(emails: readonly OutgoingEmail[]): BatchBody {
  const out = new BodyPieces();
  for (let i = 0; i < emails.length; i++) layEmail(out, emails[i]!, i === 0);
  out.segment(emails.length === 0 ? EMPTY : CLOSE);
  return Object.assign(out.finish(), { count: emails.length });
}

/** The whole body in one buffer: for tests and comparisons, not for sending. */
export function bodyBytes(body: BatchBody): Buffer {
  const parts: Buffer[] = [];
  for (let b = body.next(); b !== null; b = body.next()) parts.push(Buffer.from(b));
  const out = Buffer.concat(parts);
  if (out.length !== body.length) {
    throw new Error(`batch body: ${out.length} bytes, ${body.length} announced`);
  }
  return out;
}
