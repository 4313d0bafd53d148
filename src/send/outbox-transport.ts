// The local outbox: with no Resend key every message is written as a real .eml (MIME,
// text and HTML parts, every header) so the whole pipeline runs on a fresh machine and the
// result can be opened in a mail client.
//
// It behaves like Resend where the sender can tell: ids come back in order, and a request
// repeated with the same idempotency key and payload returns the same ids without writing
// anything again, while the same key with a different payload is refused (409
// invalid_idempotent_request). Ids, Message-IDs and MIME boundaries derive from the key and
// position, so with a fixed `now` the bytes are the same on every run.
//
// Layout: <dir>/<key>/<nnn>-<recipient>.eml, plus <dir>/<key>/.payload-sha256 written last:
// a request interrupted half-way has no marker and is simply written again. Without a key
// (a one-off sendOne) the folder is `single` and the file is named after the content hash.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { bodyString } from '../render/index.ts';
import { err, ok, type Result } from '../result.ts';
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

/** Order-independent of how the caller built the objects: only what is sent counts. */
const payloadHash = (emails: OutgoingEmail[]) =>
  sha256(
    JSON.stringify(
      emails.map((e) => [
        e.from,
        e.to,
        e.subject,
        bodyString(e.html),
        bodyString(e.text),
        e.replyTo ?? null,
        Object.entries(e.headers).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        e.tags.map((t) => [t.name, t.value]),
      ]),
    ),
  );

export function createOutboxTransport(opts: OutboxTransportOptions): Transport {
  const now = opts.now ?? (() => new Date());

  async function writeEml(file: string, email: OutgoingEmail, id: string): Promise<void> {
    const domain = mailbox(email.from).split('@')[1] ?? 'outbox.invalid';
    const tags = email.tags.map((t) => `${t.name}=${t.value}`).join(', ');
    const mail: Mail.Options & { baseBoundary: string } = {
      from: email.from,
      to: email.to,
      subject: email.subject,
      text: bodyString(email.text),
      html: bodyString(email.html),
      ...(email.replyTo ? { replyTo: email.replyTo } : {}),
      messageId: `<${id}@${domain}>`,
      date: now(),
      headers: { ...email.headers, 'X-Entity-Ref-ID': id, ...(tags ? { 'X-Tags': tags } : {}) },
      baseBoundary: id,
    };
    // Loaded on first use: a Resend send never needs it (~10 MB of the sender's memory).
    const { default: MailComposer } = await import('nodemailer/lib/mail-composer/index.js');
    const bytes = await new MailComposer(mail).compile().build();
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, bytes);
    await rename(tmp, file);
  }

  /** Write emails under one folder unless this exact request was written before. */
  async function deliver(
    folder: string,
    names: string[],
    ids: string[],
    emails: OutgoingEmail[],
  ): Promise<Result<{ ids: string[] }, TransportFailure>> {
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
    return ok({ ids });
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

    async sendBatch(emails, { idempotencyKey, signal }) {
      signal?.throwIfAborted();
      if (emails.length > MAX_BATCH) {
        throw new Error(`sendBatch: ${emails.length} emails, at most ${MAX_BATCH} per batch`);
      }
      if (emails.length === 0) return ok({ ids: [] });
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
            return ok({ ids: [id] });
          })();
      return res.ok ? ok({ id: res.value.ids[0]! }) : res;
    },
  };
}
