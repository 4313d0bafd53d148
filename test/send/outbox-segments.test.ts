// The outbox writes each .eml from the issue's shared segments plus the reader's values
// (quoted-printable pieces around a MailComposer envelope). What a mail client reads back
// (mailparser) must be exactly the personalised email, with lines MIME allows, and the
// idempotency marker must be the digest earlier versions wrote for the same emails.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import { joinFilled } from '../../src/render/filled.ts';
import { compileFiller, type Filler } from '../../src/render/personalise.ts';
import { renderIssue } from '../../src/render/render-issue.ts';
import { createOutboxTransport } from '../../src/send/outbox-transport.ts';
import type { OutgoingEmail } from '../../src/send/transport.ts';
import { RENDER_OPTS, seedIssue, sixPairIssue } from '../support/issue-fixtures.ts';
import { tempDir } from '../support/paths.ts';
import { personalisedReaders } from '../support/personalised-readers.ts';

const NAMES = [
  null,
  'Zoë “Quotes” — Ünïcode',
  'Trailing space ',
  'Emoji ☕🚀 = sign',
  'x'.repeat(120),
];

let fills: { week: string; fill: Filler }[];
beforeAll(async () => {
  fills = [];
  for (const issue of [await seedIssue(), await sixPairIssue()]) {
    fills.push({
      week: issue.week,
      fill: compileFiller(await renderIssue(issue, RENDER_OPTS), issue),
    });
  }
});

const readers = (fill: Filler, week: string, n: number) =>
  personalisedReaders(fill, week, n, NAMES);

/** The digest the outbox wrote before it streamed bodies: JSON of whole strings. */
const wholeStringDigest = (emails: OutgoingEmail[]) =>
  createHash('sha256')
    .update(
      JSON.stringify(
        emails.map((e) => [
          e.from,
          e.to,
          e.subject,
          typeof e.html === 'string' ? e.html : joinFilled(e.html),
          typeof e.text === 'string' ? e.text : joinFilled(e.text),
          e.replyTo ?? null,
          Object.entries(e.headers).sort(([a], [b]) => (a < b ? -1 : 1)),
          e.tags.map((t) => [t.name, t.value]),
        ]),
      ),
    )
    .digest('hex');

describe('outbox: .eml files from shared segments', () => {
  it('each file decodes to exactly the personalised HTML and text (seed and six-pair issues)', async () => {
    for (const { week, fill } of fills) {
      const dir = tempDir('verdicts-outbox-');
      const emails = readers(fill, week, 10);
      const res = await createOutboxTransport({ dir }).sendBatch(emails, { idempotencyKey: 'b' });
      expect(res.ok).toBe(true);
      const files = readdirSync(path.join(dir, 'b'))
        .filter((f) => f.endsWith('.eml'))
        .sort();
      expect(files).toHaveLength(10);
      for (const [i, file] of files.entries()) {
        const bytes = readFileSync(path.join(dir, 'b', file));
        const mail = await simpleParser(bytes);
        const e = emails[i]!;
        expect(mail.html).toBe(joinFilled(e.html as never));
        expect(mail.text).toBe(joinFilled(e.text as never));
        expect(mail.subject).toBe(e.subject);
        expect(bytes.toString('latin1')).not.toMatch(/vt(text|html)[0-9a-f]{24}/);
        // RFC 2045: encoded body lines at most 76 characters (RFC 5322: header lines 998, and
        // a long unsubscribe URL cannot be folded); the whole file is 7-bit.
        const eml = bytes.toString('latin1');
        const split = eml.indexOf('\r\n\r\n');
        const longest = (t: string) => Math.max(...t.split(/\r?\n/).map((l) => l.length));
        expect(longest(eml.slice(split + 4))).toBeLessThanOrEqual(76);
        expect(longest(eml.slice(0, split))).toBeLessThanOrEqual(998);
        expect(bytes.every((b) => b < 0x80)).toBe(true);
      }
    }
  });

  it('writes the idempotency marker as the whole-string digest, so resumes across versions match', async () => {
    const dir = tempDir('verdicts-outbox-');
    const emails = readers(fills[1]!.fill, fills[1]!.week, 3);
    await createOutboxTransport({ dir }).sendBatch(emails, { idempotencyKey: 'm' });
    expect(readFileSync(path.join(dir, 'm', '.payload-sha256'), 'utf8')).toBe(
      wholeStringDigest(emails),
    );
    const joined = emails.map((e) => ({
      ...e,
      html: joinFilled(e.html as never),
      text: joinFilled(e.text as never),
    }));
    // The same emails as whole strings are the same payload: replayed, not refused.
    const again = await createOutboxTransport({ dir }).sendBatch(joined, { idempotencyKey: 'm' });
    expect(again.ok).toBe(true);
  });
});
