// The local outbox: with no Resend key every message is written as a real .eml (MIME,
// text and HTML parts, every header) so the whole pipeline runs on a fresh machine and the
// result can be opened in a mail client.
//
// It behaves like Resend where the sender can tell: ids come back in order (it refuses no
// address, so a batch's `refused` is always empty), and a request
// repeated with the same idempotency key and payload returns the same ids without writing
// anything again, while the same key with a different payload is refused (409
// invalid_idempotent_request). Ids, Message-IDs and MIME boundaries derive from the key and
// position, so with a fixed `now` the bytes are the same on every run.
//
// Each .eml is written from buffers (eml-parts.ts): the issue's segments are encoded once and
// a reader adds only their own values, as the Resend batch body does.
//
// Layout: <dir>/<key>/<nnn>-<recipient>.eml, plus <dir>/<key>/.payload-sha256 written last:
// a request interrupted half-way has no marker and is simply written again. Without a key
// (a one-off sendOne) the folder is `single` and the file is named after the content hash.
import { createHash, type Hash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { asFilled, type Body, eachPiece } from '../render/index.ts';
import { err, ok, type Result } from '../result.ts';
import { emlParts } from './eml-parts.ts';
import {
  MAX_BATCH,
  type OutgoingEmail,
  type SendOptions,
  type Transport,
  type TransportFailure,
} from './transport.ts';

export type OutboxTransportOptions = {
  dir: string;
  /** The Date header. Default: the clock; pass a fixed one for byte-identical files. */
  now?: () => Date;
};

const MARKER = '.payload-sha256';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** A safe path segment; a hash suffix keeps two keys that sanitise alike apart. */
export function sanitiseSegment(raw: string, max = 80): string {
  const clean = raw.replace(/[^A-Za-z0-9._@+-]/g, '_').replace(/^\.+/, '_');
  if (clean === raw && raw.length > 0 && raw.length <= max) return raw;
  return `${clean.slice(0, max)}-${sha256(raw).slice(0, 8)}`;
}

/** `Ada <ada@example.com>` → `ada@example.com`. */
const mailbox = (address: string) => (/<([^>]+)>/.exec(address)?.[1] ?? address).trim();

// Per literals array (shared by an issue's readers): each segment as it sits inside a JSON string.
const jsonLiterals = new WeakMap<readonly string[], string[]>();
const jsonInner = (s: string) => JSON.stringify(s).slice(1, -1);

/** Streams a body into the hash exactly as JSON.stringify would write it, quotes included. */
function hashBody(hash: Hash, body: Body): void {
  const filled = asFilled(body);
  let lits = jsonLiterals.get(filled.literals);
  if (!lits) {
    lits = filled.literals.map(jsonInner);
    jsonLiterals.set(filled.literals, lits);
  }
  hash.update('"');
  eachPiece(filled, lits, jsonInner, (s) => hash.update(s));
  hash.update('"');
}

/**
 * sha256 of JSON.stringify(emails.map(e => [from, to, subject, html, text, replyTo, sorted
 * headers, tags])), fed piece by piece so no reader's whole email is built for it: the same
 * digest for a body given as one string or as segments, and as earlier versions wrote.
 * Independent of how the caller built the objects: only what is sent counts.
 */
const payloadHash = (emails: OutgoingEmail[]) => {
  const hash = createHash('sha256').update('[');
  for (const [i, e] of emails.entries()) {
    hash.update(`${i > 0 ? ',' : ''}[${JSON.stringify([e.from, e.to, e.subject]).slice(1, -1)},`);
    hashBody(hash, e.html);
    hash.update(',');
    hashBody(hash, e.text);
    const headers = Object.entries(e.headers).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const rest = [e.replyTo ?? null, headers, e.tags.map((t) => [t.name, t.value])];
    hash.update(`,${JSON.stringify(rest).slice(1, -1)}]`);
  }
  return hash.update(']').digest('hex');
};

export function createOutboxTransport(opts: OutboxTransportOptions): Transport {
  const now = opts.now ?? (() => new Date());

  async function writeEml(file: string, email: OutgoingEmail, id: string): Promise<void> {
    const domain = mailbox(email.from).split('@')[1] ?? 'outbox.invalid';
    const tags = email.tags.map((t) => `${t.name}=${t.value}`).join(', ');
    const parts = await emlParts({
      from: email.from,
      to: email.to,
      subject: email.subject,
      text: email.text,
      html: email.html,
      ...(email.replyTo ? { replyTo: email.replyTo } : {}),
      messageId: `<${id}@${domain}>`,
      date: now(),
      headers: { ...email.headers, 'X-Entity-Ref-ID': id, ...(tags ? { 'X-Tags': tags } : {}) },
      baseBoundary: id,
    });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, parts);
    await rename(tmp, file);
  }

  /** Write emails under one folder unless this exact request was written before. */
  async function deliver(
    folder: string,
    names: string[],
    ids: string[],
    emails: OutgoingEmail[],
  ): Promise<Result<{ ids: string[]; refused: [] }, TransportFailure>> {
    const dir = path.join(opts.dir, folder);
    const hash = payloadHash(emails);
    const previous = await readFile(path.join(dir, MARKER), 'utf8').catch(() => null);
    if (previous !== null && previous !== hash) {
      const message = `outbox folder ${folder} already holds a different payload for this idempotency key`;
      return err({ kind: 'rejected', status: 409, name: 'invalid_idempotent_request', message });
    }
    if (previous === null) {
      await mkdir(dir, { recursive: true });
      for (const [i, email] of emails.entries()) {
        await writeEml(path.join(dir, names[i]!), email, ids[i]!);
      }
      const tmp = path.join(dir, `${MARKER}.${process.pid}.tmp`);
      await writeFile(tmp, hash);
      await rename(tmp, path.join(dir, MARKER));
    }
    return ok({ ids, refused: [] });
  }

  const keyed = (key: string, emails: OutgoingEmail[]) => {
    const ids = emails.map((_, i) => `outbox-${sha256(`${key}\n${i}`).slice(0, 32)}`);
    const names = emails.map(
      (e, i) => `${String(i).padStart(3, '0')}-${sanitiseSegment(mailbox(e.to))}.eml`,
    );
    return deliver(sanitiseSegment(key), names, ids, emails);
  };

  return {
    name: 'outbox',

    async sendBatch(emails, { idempotencyKey, signal, beforeWrite, onWrite }) {
      signal?.throwIfAborted();
      if (emails.length > MAX_BATCH) {
        throw new Error(`sendBatch: ${emails.length} emails, at most ${MAX_BATCH} per batch`);
      }
      if (emails.length === 0) return ok({ ids: [], refused: [] });
      await beforeWrite?.();
      onWrite?.();
      return keyed(idempotencyKey, emails);
    },

    async sendOne(email, sendOpts: SendOptions = {}) {
      sendOpts.signal?.throwIfAborted();
      const key = sendOpts.idempotencyKey;
      // No key, no idempotency (as with Resend), but the same content lands on the same file.
      const res = key
        ? await keyed(key, [email])
        : await (async () => {
            const hash = payloadHash([email]).slice(0, 16);
            const name = `${sanitiseSegment(mailbox(email.to))}-${hash}.eml`;
            await mkdir(path.join(opts.dir, 'single'), { recursive: true });
            const id = `outbox-${hash}`;
            await writeEml(path.join(opts.dir, 'single', name), email, id);
            return ok({ ids: [id], refused: [] });
          })();
      return res.ok ? ok({ id: res.value.ids[0]! }) : res;
    },
  };
}
