// The body of POST /emails/batch, byte for byte what the resend SDK (6.38) sends for the same
// emails: `JSON.stringify` of its snake_case mapping (parseEmailToApiOptions, keys in its
// order, undefined fields left out), UTF-8. Built as a Blob whose parts are the shared
// segments, each JSON-escaped and encoded once, with only a recipient's values and envelope
// between them: Node's Blob keeps Blob parts by reference, and fetch streams a Blob body with
// its Content-Length, so no per-recipient copy of the email exists as a string or a buffer.
// JSON escaping works character by character, so escaping the pieces equals escaping their
// concatenation; the segments split at ASCII placeholders, so no surrogate pair is cut.
import { asFilled, type Filled } from '../render/index.ts';
import type { OutgoingEmail } from './transport.ts';

type Part = Blob | string;

/** The inside of a JSON string literal, without its quotes. */
const jsonInner = (s: string) => JSON.stringify(s).slice(1, -1);
const member = (key: string, value: unknown) => `${JSON.stringify(key)}:${JSON.stringify(value)}`;

// Keyed by the literals array every recipient of one issue shares; a one-off string body gets
// its own array and is collected with it.
const encoded = new WeakMap<readonly string[], Blob[]>();

function literalBlobs(literals: readonly string[]): Blob[] {
  let blobs = encoded.get(literals);
  if (!blobs) {
    blobs = literals.map((l) => new Blob([jsonInner(l)]));
    encoded.set(literals, blobs);
  }
  return blobs;
}

function pushFilled(parts: Part[], { literals, values }: Filled): void {
  const blobs = literalBlobs(literals);
  parts.push(blobs[0]!);
  for (let i = 0; i < values.length; i++) parts.push(jsonInner(values[i]!), blobs[i + 1]!);
}

/** One email object, in parseEmailToApiOptions' key order: from, headers, html, reply_to, subject, tags, text, to. */
function pushEmail(parts: Part[], e: OutgoingEmail, first: boolean): void {
  const head = [member('from', e.from)];
  if (Object.keys(e.headers).length > 0) head.push(member('headers', e.headers));
  parts.push(`${first ? '[' : ','}{${head.join(',')},"html":"`);
  pushFilled(parts, asFilled(e.html));
  const mid = [];
  if (e.replyTo) mid.push(member('reply_to', e.replyTo));
  mid.push(member('subject', e.subject));
  if (e.tags.length > 0) mid.push(member('tags', e.tags));
  parts.push(`",${mid.join(',')},"text":"`);
  pushFilled(parts, asFilled(e.text));
  parts.push(`",${member('to', e.to)}}`);
}

export function batchBody(emails: readonly OutgoingEmail[]): Blob {
  if (emails.length === 0) return new Blob(['[]']);
  const parts: Part[] = [];
  for (const [i, e] of emails.entries()) pushEmail(parts, e, i === 0);
  parts.push(']');
  return new Blob(parts);
}
