// One suite, every transport (as unstorage tests its drivers): what the sender relies on must
// hold for Resend and for the local outbox alike. Each file calls describeTransport with a
// setup that returns a fresh transport and a way to read back what was delivered.
import { describe, expect, it } from 'vitest';
import type { OutgoingEmail, Transport } from '../../src/send/transport.ts';

export type Delivered = {
  id: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  replyTo: string | null;
  /** Extra headers as sent, names lower-cased. */
  headers: Record<string, string>;
  tags: { name: string; value: string }[];
};

export type TransportUnderTest = {
  transport: Transport;
  delivered(): Promise<Delivered[]>;
};

export const outgoing = (i: number, extra: Partial<OutgoingEmail> = {}): OutgoingEmail => ({
  from: 'Weekly AI Tool Verdicts <news@verdicts.example>',
  to: `reader${i}@example.com`,
  subject: `Issue 35 for reader ${i}`,
  html: `<p>Hello reader ${i}</p>`,
  text: `Hello reader ${i}`,
  headers: {
    'List-Unsubscribe': `<https://verdicts.example/u/${i}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  },
  tags: [
    { name: 'issue', value: '2026-W35' },
    { name: 'batch', value: '0' },
  ],
  ...extra,
});

export function describeTransport(name: string, setup: () => Promise<TransportUnderTest>): void {
  describe(`transport contract: ${name}`, () => {
    it('a batch of 3 lands in order, with one id per email and nothing refused', async () => {
      const { transport, delivered } = await setup();
      const emails = [0, 1, 2].map((i) => outgoing(i));
      const res = await transport.sendBatch(emails, { idempotencyKey: '2026-W35:0' });
      if (!res.ok) throw new Error(JSON.stringify(res.error));
      expect(res.value.refused).toEqual([]);
      expect(res.value.ids).toHaveLength(3);
      expect(res.value.ids.every((id) => typeof id === 'string')).toBe(true);
      expect(new Set(res.value.ids).size).toBe(3);
      const got = await delivered();
      expect(got.map((d) => [d.id, d.to, d.subject])).toEqual(
        emails.map((e, i) => [res.value.ids[i], e.to, e.subject]),
      );
      expect(got[1]).toMatchObject({ html: '<p>Hello reader 1</p>', text: 'Hello reader 1' });
    });

    it('writes a batch only once beforeWrite resolves, then says so through onWrite', async () => {
      const { transport, delivered } = await setup();
      let release!: () => void;
      const slot = new Promise<void>((r) => (release = r));
      let wrote = 0;
      const sending = transport.sendBatch([outgoing(0)], {
        idempotencyKey: '2026-W35:slot',
        beforeWrite: () => slot,
        onWrite: () => wrote++,
      });
      await new Promise((r) => setTimeout(r, 100));
      expect(await delivered()).toEqual([]);
      expect(wrote).toBe(0);
      release();
      const res = await sending;
      expect(res.ok).toBe(true);
      expect(wrote).toBe(1);
      expect((await delivered()).map((d) => d.to)).toEqual(['reader0@example.com']);
    });

    it('the same idempotency key and payload twice: delivered once, same ids', async () => {
      const { transport, delivered } = await setup();
      const emails = [outgoing(0), outgoing(1)];
      const first = await transport.sendBatch(emails, { idempotencyKey: '2026-W35:1' });
      const again = await transport.sendBatch(
        emails.map((e) => ({ ...e })),
        { idempotencyKey: '2026-W35:1' },
      );
      expect(again).toEqual(first);
      expect(await delivered()).toHaveLength(2);
      const other = await transport.sendBatch([outgoing(2)], { idempotencyKey: '2026-W35:2' });
      expect(other.ok).toBe(true);
      expect(await delivered()).toHaveLength(3);
    });

    it('the same key with a different payload is rejected and sends nothing', async () => {
      const { transport, delivered } = await setup();
      await transport.sendBatch([outgoing(0)], { idempotencyKey: 'k' });
      const changed = await transport.sendBatch([outgoing(0, { subject: 'changed' })], {
        idempotencyKey: 'k',
      });
      expect(changed).toEqual({
        ok: false,
        error: expect.objectContaining({
          kind: 'rejected',
          status: 409,
          name: 'invalid_idempotent_request',
        }),
      });
      expect((await delivered()).map((d) => d.subject)).toEqual(['Issue 35 for reader 0']);
    });

    it('sendOne delivers one email, with or without a key', async () => {
      const { transport, delivered } = await setup();
      const a = await transport.sendOne(outgoing(7, { replyTo: 'Editors <ed@verdicts.example>' }));
      const b = await transport.sendOne(outgoing(8), { idempotencyKey: 'confirm:8' });
      const b2 = await transport.sendOne(outgoing(8), { idempotencyKey: 'confirm:8' });
      if (!a.ok || !b.ok) throw new Error('sendOne failed');
      expect(b2).toEqual(b);
      const got = await delivered();
      expect(got.map((d) => [d.id, d.to])).toEqual([
        [a.value.id, 'reader7@example.com'],
        [b.value.id, 'reader8@example.com'],
      ]);
      expect(got[0]?.replyTo).toBe('Editors <ed@verdicts.example>');
    });

    it('carries both List-Unsubscribe headers and the tags', async () => {
      const { transport, delivered } = await setup();
      await transport.sendBatch([outgoing(3)], { idempotencyKey: 'h' });
      const [d] = await delivered();
      expect(d?.headers).toMatchObject({
        'list-unsubscribe': '<https://verdicts.example/u/3>',
        'list-unsubscribe-post': 'List-Unsubscribe=One-Click',
      });
      expect(d?.tags).toEqual([
        { name: 'issue', value: '2026-W35' },
        { name: 'batch', value: '0' },
      ]);
      expect(d?.replyTo).toBeNull();
    });

    it('non-ASCII in subject, HTML and text survives', async () => {
      const { transport, delivered } = await setup();
      const email = outgoing(4, {
        subject: 'Verdict — “SmolVLM2” vs Café Llama',
        html: '<p>Ship it — “really” says Zoë, café ☕</p>',
        text: 'Ship it — “really” says Zoë, café ☕',
      });
      await transport.sendBatch([email], { idempotencyKey: 'utf8' });
      const [d] = await delivered();
      expect(d).toMatchObject({ subject: email.subject, html: email.html, text: email.text });
    });

    it('an empty batch sends nothing; more than 100 is a programming error', async () => {
      const { transport, delivered } = await setup();
      expect(await transport.sendBatch([], { idempotencyKey: 'e' })).toEqual({
        ok: true,
        value: { ids: [], refused: [] },
      });
      const big = Array.from({ length: 101 }, (_, i) => outgoing(i));
      await expect(transport.sendBatch(big, { idempotencyKey: 'big' })).rejects.toThrow(/100/);
      expect(await delivered()).toEqual([]);
    });

    it('an already aborted signal rejects with its reason and sends nothing', async () => {
      const { transport, delivered } = await setup();
      const controller = new AbortController();
      controller.abort(new Error('received SIGINT'));
      const opts = { idempotencyKey: 'a', signal: controller.signal };
      await expect(transport.sendBatch([outgoing(0)], opts)).rejects.toThrow('received SIGINT');
      expect(await delivered()).toEqual([]);
    });
  });
}
