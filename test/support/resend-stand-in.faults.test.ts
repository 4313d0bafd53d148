import { describe, expect, it } from 'vitest';
import { type FaultKind, toFaultFn } from './resend-stand-in/faults.ts';
import { emails, useStandIn } from './stand-in-fixture.ts';

const start = useStandIn();
const onFirst =
  (kind: FaultKind) =>
  ({ requestNo }: { requestNo: number }) =>
    requestNo === 1 ? kind : null;

describe('resend stand-in: faults', () => {
  it('lostResponse: SDK sees a network error, the send is recorded, a keyed retry is not re-sent', async () => {
    const { standIn, resend } = await start({ faults: onFirst('lostResponse') });
    const lost = await resend.batch.send(emails(2), { idempotencyKey: 'b0' });
    expect(lost.data).toBeNull();
    expect(lost.error?.statusCode).toBeNull();
    expect(standIn.deliveries()).toHaveLength(2);
    const retry = await resend.batch.send(emails(2), { idempotencyKey: 'b0' });
    expect(retry.error).toBeNull();
    expect(retry.data?.data.map((d) => d.id)).toEqual(standIn.deliveries().map((d) => d.id));
    expect(standIn.deliveries()).toHaveLength(2);
    expect(standIn.requests.map((r) => [r.status, r.fault])).toEqual([
      [null, 'lostResponse'],
      [200, undefined],
    ]);
  });

  it('hang: the client gives up (fetch AbortSignal, SDK signal) and close() still returns', async () => {
    const { standIn, resend } = await start({ faults: () => 'hang' });
    const viaFetch = fetch(`${standIn.url}/emails/batch`, {
      method: 'POST',
      headers: { authorization: 'Bearer re_test_key', 'content-type': 'application/json' },
      body: JSON.stringify(emails(1)),
      signal: AbortSignal.timeout(150),
    });
    await expect(viaFetch).rejects.toMatchObject({ name: 'TimeoutError' });
    const viaSdk = await resend.batch.send(emails(1), { signal: AbortSignal.timeout(150) });
    expect(viaSdk.error?.statusCode).toBeNull();
    expect(standIn.deliveries()).toHaveLength(0);
    const pending = fetch(`${standIn.url}/emails/batch`, {
      method: 'POST',
      headers: { authorization: 'Bearer re_test_key' },
      body: JSON.stringify(emails(1)),
    });
    await new Promise((r) => setTimeout(r, 50));
    await standIn.close();
    await expect(pending).rejects.toThrow();
  });

  it('drop: nothing recorded, and a retry with the same key is processed', async () => {
    const { standIn, resend } = await start({ faults: onFirst('drop') });
    const dropped = await resend.batch.send(emails(2), { idempotencyKey: 'b1' });
    expect(dropped.error?.statusCode).toBeNull();
    expect(standIn.deliveries()).toHaveLength(0);
    const retry = await resend.batch.send(emails(2), { idempotencyKey: 'b1' });
    expect(retry.error).toBeNull();
    expect(standIn.deliveries()).toHaveLength(2);
  });

  it.each([
    ['status500', 500, 'internal_server_error'],
    ['status503', 503, 'application_error'],
    ['quota', 429, 'daily_quota_exceeded'],
    ['validation', 422, 'validation_error'],
  ] as const)('%s answers %i %s and records nothing', async (kind, statusCode, name) => {
    const { standIn, resend } = await start({ faults: onFirst(kind) });
    const res = await resend.batch.send(emails(1), { idempotencyKey: 'b2' });
    expect(res.error).toMatchObject({ statusCode, name });
    expect(res.headers?.['retry-after']).toBeUndefined();
    expect(standIn.deliveries()).toHaveLength(0);
    expect((await resend.batch.send(emails(1), { idempotencyKey: 'b2' })).error).toBeNull();
  });

  it('a seeded random plan is reproducible and roughly hits its rate', () => {
    const draw = () => {
      const fn = toFaultFn({ rate: 0.2, seed: 7 });
      const ctx = {
        endpoint: '/emails/batch' as const,
        requestNo: 1,
        idempotencyKey: undefined,
        body: [],
      };
      return Array.from({ length: 2000 }, () => fn(ctx));
    };
    const a = draw();
    expect(a).toEqual(draw());
    const hits = a.filter((f) => f !== null).length;
    expect(hits).toBeGreaterThan(320);
    expect(hits).toBeLessThan(480);
  });

  it('setFaults switches faults on a running server', async () => {
    const { standIn, resend } = await start();
    standIn.setFaults(() => 'status500');
    expect((await resend.batch.send(emails(1))).error?.statusCode).toBe(500);
    standIn.setFaults(null);
    expect((await resend.batch.send(emails(1))).error).toBeNull();
  });
});
