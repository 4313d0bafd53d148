import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type HeaderLines, simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { createOutboxTransport, sanitiseSegment } from '../../src/send/outbox-transport.ts';
import type { Transport } from '../../src/send/transport.ts';
import { tempDir } from '../support/paths.ts';
import { type Delivered, describeTransport, outgoing } from './transport-suite.ts';

const fixedNow = () => new Date('2026-08-31T08:00:00Z');

/** Every .eml under the outbox (any order; readOutbox orders them). */
function emlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((n) => n.endsWith('.eml'))
    .map((n) => path.join(dir, n));
}

/** The raw value of a header line, unfolded. */
const raw = (lines: HeaderLines, key: string) => {
  const line = lines.find((l) => l.key === key)?.line;
  return line
    ?.slice(line.indexOf(':') + 1)
    .replace(/\r?\n[ \t]+/g, ' ')
    .trim();
};

/**
 * What the outbox holds, as Delivered. File times are too coarse to order requests made in
 * the same millisecond, so with `order` (ids in the order the transport returned them) the
 * files are sorted by that; otherwise by path.
 */
async function readOutbox(dir: string, order: string[] = []): Promise<Delivered[]> {
  const out: Delivered[] = [];
  for (const file of emlFiles(dir)) {
    const mail = await simpleParser(readFileSync(file));
    const extra: Record<string, string> = {};
    for (const l of mail.headerLines) {
      if (l.key.startsWith('list-') || l.key.startsWith('x-'))
        extra[l.key] = raw(mail.headerLines, l.key)!;
    }
    const tags = (extra['x-tags'] ?? '')
      .split(', ')
      .filter(Boolean)
      .map((t) => {
        const [name, value] = t.split('=');
        return { name: name!, value: value! };
      });
    out.push({
      id: extra['x-entity-ref-id']!,
      to: mail.to && !Array.isArray(mail.to) ? mail.to.text : '',
      subject: mail.subject ?? '',
      html: typeof mail.html === 'string' ? mail.html : '',
      text: (mail.text ?? '').replace(/\n$/, ''),
      replyTo: raw(mail.headerLines, 'reply-to') ?? null,
      headers: extra,
      tags,
    });
  }
  const rank = (d: Delivered) => {
    const i = order.indexOf(d.id);
    return i === -1 ? Number.MAX_SAFE_INTEGER : i;
  };
  return out.sort((a, b) => rank(a) - rank(b));
}

describeTransport('outbox', async () => {
  const dir = path.join(tempDir('verdicts-outbox-'), 'outbox');
  const inner = createOutboxTransport({ dir, now: fixedNow });
  const order: string[] = [];
  const note = (ids: (string | null)[]) => {
    for (const id of ids) if (id !== null && !order.includes(id)) order.push(id);
  };
  const transport: Transport = {
    name: inner.name,
    sendBatch: async (emails, opts) => {
      const res = await inner.sendBatch(emails, opts);
      if (res.ok) note(res.value.ids);
      return res;
    },
    sendOne: async (email, opts) => {
      const res = await inner.sendOne(email, opts);
      if (res.ok) note([res.value.id]);
      return res;
    },
  };
  return { transport, delivered: () => readOutbox(dir, order) };
});

describe('outbox transport', () => {
  it('writes <key>/<nnn>-<to>.eml, no temp files, and a real multipart/alternative MIME message', async () => {
    const dir = tempDir('verdicts-outbox-');
    const transport = createOutboxTransport({ dir, now: fixedNow });
    const res = await transport.sendBatch(
      [outgoing(0), outgoing(1, { to: 'Bo <Bo@example.com>' })],
      {
        idempotencyKey: 'week-35.batch-0',
      },
    );
    if (!res.ok) throw new Error('send failed');
    const folder = path.join(dir, 'week-35.batch-0');
    expect(readdirSync(folder).sort()).toEqual([
      '.payload-sha256',
      '000-reader0@example.com.eml',
      '001-Bo@example.com.eml',
    ]);
    const bytes = readFileSync(path.join(folder, '000-reader0@example.com.eml'), 'utf8');
    const mail = await simpleParser(bytes);
    expect(mail.headers.get('content-type')).toMatchObject({ value: 'multipart/alternative' });
    expect(bytes).toContain('\r\nContent-Type: text/plain; charset=utf-8\r\n');
    expect(bytes).toContain('\r\nContent-Type: text/html; charset=utf-8\r\n');
    expect(mail.messageId).toBe(`<${res.value.ids[0]}@verdicts.example>`);
    expect(mail.date?.toISOString()).toBe('2026-08-31T08:00:00.000Z');
    expect(mail.from?.value).toEqual([
      { name: 'Weekly AI Tool Verdicts', address: 'news@verdicts.example' },
    ]);
    // mailparser's own reading of RFC 2369 / 8058
    expect(mail.headers.get('list')).toMatchObject({
      unsubscribe: { url: 'https://verdicts.example/u/0' },
    });
    expect(bytes).toContain('\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n');
  });

  it('is byte-identical for the same key and payload, wherever and whenever it runs', async () => {
    const a = tempDir('verdicts-outbox-');
    const b = tempDir('verdicts-outbox-');
    const emails = [outgoing(0), outgoing(1)];
    await createOutboxTransport({ dir: a, now: fixedNow }).sendBatch(emails, {
      idempotencyKey: 'k:1',
    });
    await createOutboxTransport({ dir: b, now: fixedNow }).sendBatch(emails, {
      idempotencyKey: 'k:1',
    });
    const folder = readdirSync(a)[0]!;
    expect(folder).toMatch(/^k_1-[0-9a-f]{8}$/);
    for (const name of readdirSync(path.join(a, folder))) {
      expect(readFileSync(path.join(a, folder, name))).toEqual(
        readFileSync(path.join(b, folder, name)),
      );
    }
  });

  it('rewrites a request that was interrupted before its marker was written', async () => {
    const dir = tempDir('verdicts-outbox-');
    const transport = createOutboxTransport({ dir, now: fixedNow });
    await transport.sendBatch([outgoing(0)], { idempotencyKey: 'x' });
    const { rmSync } = await import('node:fs');
    rmSync(path.join(dir, 'x', '.payload-sha256'));
    const again = await transport.sendBatch([outgoing(0), outgoing(1)], { idempotencyKey: 'x' });
    expect(again.ok).toBe(true);
    expect(await readOutbox(dir)).toHaveLength(2);
  });

  it('sanitises keys and addresses into safe, distinct path segments', () => {
    expect(sanitiseSegment('2026-W35.batch-3')).toBe('2026-W35.batch-3');
    expect(sanitiseSegment('reader+tag@example.com')).toBe('reader+tag@example.com');
    expect(sanitiseSegment('../../etc/passwd')).toMatch(/^__\.\._etc_passwd-[0-9a-f]{8}$/);
    expect(sanitiseSegment('a:b')).not.toBe(sanitiseSegment('a_b'));
    expect(sanitiseSegment('x'.repeat(300)).length).toBeLessThanOrEqual(89);
    expect(sanitiseSegment('')).toMatch(/^-[0-9a-f]{8}$/);
  });
});
