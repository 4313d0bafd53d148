import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { email, emails, KEY, manualClock, useStandIn } from './stand-in-fixture.ts';

const start = useStandIn();

describe('resend stand-in: rate limit', () => {
  it('answers 429 rate_limit_exceeded with ratelimit headers over 2 requests/second', async () => {
    const clock = manualClock();
    const { standIn, resend } = await start({ rateLimit: 2, now: clock.now });
    const ok1 = await resend.batch.send(emails(1, 0));
    clock.advance(300);
    const ok2 = await resend.batch.send(emails(1, 1));
    expect(ok1.error ?? ok2.error).toBeNull();
    expect(ok2.headers?.['ratelimit-remaining']).toBe('0');
    clock.advance(100);
    const limited = await resend.batch.send(emails(1, 2));
    expect(limited.error).toMatchObject({ statusCode: 429, name: 'rate_limit_exceeded' });
    expect(limited.headers).toMatchObject({
      'ratelimit-limit': '2',
      'ratelimit-remaining': '0',
      'ratelimit-reset': '1',
      'retry-after': '1',
    });
    clock.advance(600); // the first request leaves the window
    const ok3 = await resend.batch.send(emails(1, 3));
    expect(ok3.error).toBeNull();
    expect(standIn.deliveries()).toHaveLength(3);
    expect(standIn.stats().byStatus).toEqual({ 200: 3, 429: 1 });
  });

  it('can give fractional retry-after and be raised or turned off', async () => {
    const clock = manualClock();
    const { standIn, resend } = await start({
      rateLimit: 1,
      rateLimitPrecision: 'ms',
      now: clock.now,
    });
    await resend.batch.send(emails(1));
    clock.advance(250);
    const limited = await resend.batch.send(emails(1));
    expect(limited.headers?.['retry-after']).toBe('0.75');
    standIn.setRateLimit(false);
    for (let i = 0; i < 5; i++) expect((await resend.batch.send(emails(1))).error).toBeNull();
  });
});

describe('resend stand-in: idempotency keys', () => {
  it('same key and payload: the first ids again, nothing sent twice', async () => {
    const { standIn, resend } = await start();
    const first = await resend.batch.send(emails(3), { idempotencyKey: 'issue-35/batch-0' });
    const again = await resend.batch.send(emails(3), { idempotencyKey: 'issue-35/batch-0' });
    expect(again.error).toBeNull();
    expect(again.data).toEqual(first.data);
    expect(standIn.deliveries()).toHaveLength(3);
    expect(standIn.requests.map((r) => r.headers['idempotency-key'])).toEqual([
      'issue-35/batch-0',
      'issue-35/batch-0',
    ]);
  });

  it('same key, different payload: 409 invalid_idempotent_request', async () => {
    const { standIn, resend } = await start();
    await resend.batch.send(emails(2), { idempotencyKey: 'k1' });
    const other = await resend.batch.send(emails(2, 5), { idempotencyKey: 'k1' });
    expect(other.error).toMatchObject({ statusCode: 409, name: 'invalid_idempotent_request' });
    expect(standIn.deliveries()).toHaveLength(2);
  });

  it('same key while the first is still running: 409 concurrent_idempotent_requests', async () => {
    let arrived!: () => void;
    const firstArrived = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const { standIn, resend } = await start({
      faults: ({ requestNo }) => {
        if (requestNo !== 1) return null;
        arrived();
        return { kind: 'slow', ms: 300 };
      },
    });
    const first = resend.batch.send(emails(2), { idempotencyKey: 'k2' });
    await firstArrived;
    const second = await resend.batch.send(emails(2), { idempotencyKey: 'k2' });
    expect(second.error).toMatchObject({ statusCode: 409, name: 'concurrent_idempotent_requests' });
    expect((await first).error).toBeNull();
    expect(standIn.deliveries()).toHaveLength(2);
  });

  it('forgets a key after 24 hours', async () => {
    const clock = manualClock();
    const { standIn, resend } = await start({ now: clock.now });
    await resend.batch.send(emails(1), { idempotencyKey: 'k3' });
    clock.advance(24 * 60 * 60 * 1000 - 1);
    await resend.batch.send(emails(1), { idempotencyKey: 'k3' });
    expect(standIn.deliveries()).toHaveLength(1);
    clock.advance(2);
    await resend.batch.send(emails(1), { idempotencyKey: 'k3' });
    expect(standIn.deliveries()).toHaveLength(2);
  });

  it('keeps only a 2xx outcome, and refuses a key over 256 characters', async () => {
    const { standIn, resend } = await start();
    const refused = await resend.batch.send([], { idempotencyKey: 'k4' });
    expect(refused.error?.statusCode).toBe(422);
    const long = await resend.batch.send(emails(1), { idempotencyKey: 'x'.repeat(257) });
    expect(long.error).toMatchObject({ statusCode: 400, name: 'invalid_idempotency_key' });
    const ok = await resend.batch.send(emails(1), { idempotencyKey: 'k4' });
    expect(ok.error).toBeNull();
    expect(standIn.deliveries()).toHaveLength(1);
  });
});

describe('resend stand-in: what the pacer sees', () => {
  it('every answer past auth carries ratelimit-limit, -remaining and -reset', async () => {
    const clock = manualClock();
    const { standIn, resend } = await start({
      rateLimit: 5,
      rateLimitPrecision: 'ms',
      now: clock.now,
    });
    const ok1 = await resend.batch.send(emails(1));
    expect(ok1.headers).toMatchObject({
      'ratelimit-limit': '5',
      'ratelimit-remaining': '4',
      'ratelimit-reset': '1',
    });
    clock.advance(300);
    const invalid = await resend.batch.send([email(1, { to: 'not an address' })]);
    expect(invalid.error).toMatchObject({ statusCode: 422 });
    expect(invalid.headers).toMatchObject({
      'ratelimit-remaining': '3',
      'ratelimit-reset': '0.7',
    });
    const missing = await fetch(`${standIn.url}/nope`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}` },
    });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('ratelimit-remaining')).toBe('2');
  });

  it('counts a request from when its headers arrived, not from when its body was finally in', async () => {
    const { standIn } = await start({ rateLimit: 1, rateLimitPrecision: 'ms' });
    const { port } = new URL(standIn.url);
    const body = JSON.stringify(emails(1));
    const post = (slowMs: number) =>
      new Promise<number>((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port,
            path: '/emails/batch',
            method: 'POST',
            headers: {
              authorization: `Bearer ${KEY}`,
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(body),
            },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.flushHeaders();
        // The first half goes now, the rest after `slowMs`: a big body still uploading.
        req.write(body.slice(0, 10));
        setTimeout(() => req.end(body.slice(10)), slowMs);
      });
    // The slow request arrives first and its body is in 600 ms later; the quick one comes
    // 1.1 s after the slow one arrived: outside its window by arrival (inside it by body).
    const slow = post(600);
    await new Promise((r) => setTimeout(r, 1100));
    const quick = post(0);
    expect(await Promise.all([slow, quick])).toEqual([200, 200]);
    // And inside the same second by arrival: refused.
    await new Promise((r) => setTimeout(r, 300));
    expect(await post(0)).toBe(429);
  });

  it('can delay each arrival by a seeded random jitter', async () => {
    const { standIn, resend } = await start({
      rateLimit: false,
      arrivalJitterMs: 200,
      jitterSeed: 3,
    });
    const lags: number[] = [];
    for (let i = 0; i < 8; i++) {
      const sent = Date.now();
      await resend.batch.send(emails(1, i));
      lags.push(standIn.arrivals().at(-1)!.at - sent);
    }
    expect(Math.max(...lags) - Math.min(...lags)).toBeGreaterThan(40);
    expect(Math.max(...lags)).toBeLessThan(200 + 1000); // bounded; generous for a busy machine
  });
});
