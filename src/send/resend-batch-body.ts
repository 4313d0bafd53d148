// The body of POST /emails/batch, byte for byte what the resend SDK (6.38) sends for the same
// emails: `JSON.stringify` of its snake_case mapping (parseEmailToApiOptions, keys in its
// order, undefined fields left out), UTF-8. Built as a list of buffers: the shared
// segments, each JSON-escaped and encoded once, with only a recipient's values and envelope
// between them, written to the socket as they are, so no per-recipient copy of the email
// exists as a string or a buffer.
// JSON escaping works character by character, so escaping the pieces equals escaping their
// concatenation; the segments split at ASCII placeholders, so no surrogate pair is cut.
import { asFilled, eachPiece, type Filled } from '../render/index.ts';
import type { OutgoingEmail } from './transport.ts';

/** The body as chunks in order; `length` is the Content-Length. */
export type BatchBody = { chunks: Buffer[]; length: number };

/** The inside of a JSON string literal, without its quotes. */
const jsonInner = (s: string) => JSON.stringify(s).slice(1, -1);
const member = (key: string, value: unknown) => `${JSON.stringify(key)}:${JSON.stringify(value)}`;

// Keyed by the literals array every recipient of one issue shares; a one-off string body gets
// its own array and is collected with it.
const encoded = new WeakMap<readonly string[], Buffer[]>();

function literalBuffers(literals: readonly string[]): Buffer[] {
  let buffers = encoded.get(literals);
  if (!buffers) {
    buffers = literals.map((l) => Buffer.from(jsonInner(l)));
    encoded.set(literals, buffers);
  }
  return buffers;
}

const jsonBytes = (s: string) => Buffer.from(jsonInner(s));

function pushFilled(parts: Buffer[], body: Filled): void {
  eachPiece(body, literalBuffers(body.literals), jsonBytes, (b) => parts.push(b));
}

// The fields between html and text are the same for every reader of an issue (the sender
// passes the same subject and tags): encoded once while they repeat.
let lastMid: { key: readonly unknown[]; bytes: Buffer } | null = null;

function midBytes(e: OutgoingEmail): Buffer {
  const key = [e.replyTo, e.subject, e.tags] as const;
  if (lastMid?.key.every((k, i) => k === key[i])) return lastMid.bytes;
  const mid = [];
  if (e.replyTo) mid.push(member('reply_to', e.replyTo));
  mid.push(member('subject', e.subject));
  if (e.tags.length > 0) mid.push(member('tags', e.tags));
  lastMid = { key, bytes: Buffer.from(`",${mid.join(',')},"text":"`) };
  return lastMid.bytes;
}

/** One email object, in parseEmailToApiOptions' key order: from, headers, html, reply_to, subject, tags, text, to. */
function pushEmail(parts: Buffer[], e: OutgoingEmail, first: boolean): void {
  const head = [member('from', e.from)];
  if (Object.keys(e.headers).length > 0) head.push(member('headers', e.headers));
  parts.push(Buffer.from(`${first ? '[' : ','}{${head.join(',')},"html":"`));
  pushFilled(parts, asFilled(e.html));
  parts.push(midBytes(e));
  pushFilled(parts, asFilled(e.text));
  parts.push(Buffer.from(`",${member('to', e.to)}}`));
}

export function batchBody(emails: readonly OutgoingEmail[]): BatchBody {
  if (emails.length === 0) return { chunks: [Buffer.from('[]')], length: 2 };
  const parts: Buffer[] = [];
  for (const [i, e] of emails.entries()) pushEmail(parts, e, i === 0);
  parts.push(Buffer.from(']'));
  const chunks = parts.filter((c) => c.length > 0);
  return { chunks, length: chunks.reduce((n, c) => n + c.length, 0) };
}
