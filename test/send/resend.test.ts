import { describe, expect, it } from 'vitest';
import {
  alignBatchAnswer,
  classifyResendError,
  createResendTransport,
  retryAfterMs,
} from '../../src/send/resend-transport.ts';
import type { Delivery } from '../support/resend-stand-in/recorder.ts';
import type { StandInOptions } from '../support/resend-stand-in/server.ts';
import { KEY, manualClock, useStandIn } from '../support/stand-in-fixture.ts';
import { type Delivered, describeTransport, outgoing } from './transport-suite.ts';

const start = useStandIn();

const toDelivered = (d: Delivery): Delivered => ({
  id: d.id,
  to: d.to.join(', '),
  subject: d.subject,
  html: d.html ?? '',
  text: d.text ?? '',
  replyTo: d.reply_to?.join(', ') ?? null,
  headers: Object.fromEntries(
    Object.entries(d.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
  ),
  tags: d.tags ?? [],
});

/** A stand-in and a transport pointed at it (strict OpenAPI checks, rate limit off). */
async function resendAt(
  opts: StandInOptions = {},
  transportOpts: { timeoutMs?: number; apiKey?: string } = {},
) {
  const { standIn } = await start(opts);
  const transport = createResendTransport({
    apiKey: transportOpts.apiKey ?? KEY,
    baseUrl: standIn.url,
    timeoutMs: transportOpts.timeoutMs,
  });
  return { standIn, transport };
}

describeTransport('resend', async () => {
  const { standIn, transport } = await resendAt();
  return { transport, delivered: async () => standIn.deliveries().map(toDelivered) };
});

const batch = (n = 2) => Array.from({ length: n }, (_, i) => outgoing(i));
const onFirst =
  (kind: string) =>
  ({ requestNo }: { requestNo: number }) =>
    requestNo === 1 ? (kind as 'status500') : null;

describe('resend transport: requests', () => {
  it('sends the key as Idempotency-Key with permissive batch validation, snake_case through the SDK', async () => {
    const { standIn, transport } = await resendAt();
    await transport.sendBatch([outgoing(0, { replyTo: 'ed@verdicts.example' })], {
      idempotencyKey: '2026-W35:0',
    });
    expect(standIn.requests[0]?.headers).toMatchObject({
      'idempotency-key': '2026-W35:0',
      'x-batch-validation': 'permissive',
      authorization: `Bearer ${KEY}`,
    });
    expect(standIn.deliveries()[0]?.reply_to).toEqual(['ed@verdicts.example']);
  });

  it('a lost response retried with the same key returns the first ids and sends nothing twice', async () => {
    const { standIn, transport } = await resendAt({ faults: onFirst('lostResponse') });
    const lost = await transport.sendBatch(batch(), { idempotencyKey: 'b0' });
    expect(lost).toMatchObject({ ok: false, error: { kind: 'retryable', status: null } });
    const retry = await transport.sendBatch(batch(), { idempotencyKey: 'b0' });
    expect(retry).toEqual({
      ok: true,
      value: { ids: standIn.deliveries().map((d) => d.id), refused: [] },
    });
    expect(standIn.stats().duplicates).toBe(0);
  });
});

describe('resend transport: failures become TransportFailure values', () => {
  it('429 over the rate limit → rate_limited with retry-after in ms', async () => {
    const clock = manualClock();
    const { transport } = await resendAt({ rateLimit: 1, now: clock.now });
    expect((await transport.sendBatch(batch(1), { idempotencyKey: 'r1' })).ok).toBe(true);
    const limited = await transport.sendBatch(batch(1), { idempotencyKey: 'r2' });
    expect(limited).toEqual({
      ok: false,
      error: {
        kind: 'rate_limited',
        retryAfterMs: 1000,
        name: 'rate_limit_exceeded',
        message: expect.any(String),
        rate: { limit: 1, remaining: 0, resetMs: 1000 },
      },
    });
  });

  it('every answer, success or error, carries the rate-limit headers for the pacer', async () => {
    const clock = manualClock();
    const { transport } = await resendAt({
      rateLimit: 3,
      rateLimitPrecision: 'ms',
      now: clock.now,
    });
    const first = await transport.sendBatch(batch(1), { idempotencyKey: 'h1' });
    expect(first).toMatchObject({
      ok: true,
      value: { rate: { limit: 3, remaining: 2, resetMs: 1000 } },
    });
    clock.advance(400);
    const second = await transport.sendBatch(batch(1), { idempotencyKey: 'h2' });
    expect(second).toMatchObject({
      ok: true,
      value: { rate: { limit: 3, remaining: 1, resetMs: 600 } },
    });
    // A refused request (422) still says where the team stands. (A batch is permissive: an
    // address it refuses is a value in a 200, so a single email shows the 422.)
    const refused = await transport.sendOne({ ...batch(1)[0]!, to: 'not an address' });
    expect(refused).toMatchObject({
      ok: false,
      error: { kind: 'rejected', rate: { limit: 3, remaining: 0, resetMs: 600 } },
    });
  });

  it('fractional retry-after is honoured to the millisecond', async () => {
    const clock = manualClock();
    const { transport } = await resendAt({
      rateLimit: 1,
      rateLimitPrecision: 'ms',
      now: clock.now,
    });
    await transport.sendOne(outgoing(0));
    clock.advance(250);
    const limited = await transport.sendOne(outgoing(1));
    expect(limited).toMatchObject({
      ok: false,
      error: { kind: 'rate_limited', retryAfterMs: 750 },
    });
  });

  it.each([
    ['status500', { kind: 'retryable', status: 500, name: 'internal_server_error' }],
    ['status503', { kind: 'retryable', status: 503, name: 'application_error' }],
    ['drop', { kind: 'retryable', status: null }],
    ['quota', { kind: 'quota', status: 429, name: 'daily_quota_exceeded' }],
    ['validation', { kind: 'rejected', status: 422, name: 'validation_error' }],
  ])('%s → %o, and nothing delivered', async (fault, want) => {
    const { standIn, transport } = await resendAt({ faults: onFirst(fault) });
    const res = await transport.sendBatch(batch(), { idempotencyKey: 'f' });
    expect(res).toEqual({ ok: false, error: expect.objectContaining(want) });
    expect(standIn.deliveries()).toHaveLength(0);
  });

  it('an address Resend refuses is refused alone: the rest of the batch is sent, in order', async () => {
    const { standIn, transport } = await resendAt({ refuseAddresses: ['Reader2@Example.com'] });
    const emails = [outgoing(0), outgoing(1, { to: 'not-an-address' }), outgoing(2), outgoing(3)];
    emails[2] = { ...emails[2]!, to: 'reader2@example.com' };
    const res = await transport.sendBatch(emails, { idempotencyKey: 'v' });
    const delivered = standIn.deliveries();
    expect(delivered.map((d) => d.to[0])).toEqual([emails[0]!.to, emails[3]!.to]);
    expect(res).toEqual({
      ok: true,
      value: {
        ids: [delivered[0]!.id, null, null, delivered[1]!.id],
        refused: [
          { index: 1, message: expect.stringContaining('not-an-address') },
          { index: 2, message: expect.stringContaining('Invalid `to` field') },
        ],
      },
    });
    // The same key again: Resend replays the first answer and sends nothing.
    expect(await transport.sendBatch(emails, { idempotencyKey: 'v' })).toEqual(res);
    expect(standIn.deliveries()).toHaveLength(2);
  });

  it('an answer whose ids and refusals do not add up → rejected unexpected_response', async () => {
    expect(alignBatchAnswer({ data: [{ id: 'a' }] }, 2)).toMatchObject({ ok: false });
    expect(
      alignBatchAnswer({ data: [{ id: 'a' }], errors: [{ index: 2, message: 'x' }] }, 2),
    ).toMatchObject({ ok: false });
    expect(
      alignBatchAnswer(
        {
          data: [{ id: 'a' }],
          errors: [
            { index: 0, message: 'x' },
            { index: 0, message: 'y' },
          ],
        },
        3,
      ),
    ).toMatchObject({ ok: false });
    expect(
      alignBatchAnswer(
        { data: [{ id: 'a' }, { id: 'c' }], errors: [{ index: 1, message: 'no' }] },
        3,
      ),
    ).toEqual({
      ok: true,
      value: { ids: ['a', null, 'c'], refused: [{ index: 1, message: 'no' }] },
    });
  });

  it('a wrong API key → rejected 403 invalid_api_key', async () => {
    const { transport } = await resendAt({}, { apiKey: 're_wrong' });
    const res = await transport.sendOne(outgoing(0));
    expect(res).toMatchObject({
      ok: false,
      error: { kind: 'rejected', status: 403, name: 'invalid_api_key' },
    });
  });

  it('a concurrent request with the same key → retryable 409', async () => {
    const { standIn, transport } = await resendAt({
      faults: ({ requestNo }) => (requestNo === 1 ? { kind: 'slow', ms: 300 } : null),
    });
    const first = transport.sendBatch(batch(), { idempotencyKey: 'c' });
    await new Promise((r) => setTimeout(r, 100));
    const second = await transport.sendBatch(batch(), { idempotencyKey: 'c' });
    expect(second).toMatchObject({
      ok: false,
      error: { kind: 'retryable', status: 409, name: 'concurrent_idempotent_requests' },
    });
    expect((await first).ok).toBe(true);
    expect(standIn.deliveries()).toHaveLength(2);
  });

  it('a hung connection → retryable timeout after timeoutMs', async () => {
    const { transport } = await resendAt({ faults: () => 'hang' }, { timeoutMs: 200 });
    const t0 = performance.now();
    const res = await transport.sendBatch(batch(), { idempotencyKey: 'h' });
    const waited = performance.now() - t0;
    expect(res).toEqual({
      ok: false,
      error: {
        kind: 'retryable',
        status: null,
        name: 'timeout',
        message: 'no answer from Resend within 200 ms',
      },
    });
    expect(waited).toBeGreaterThanOrEqual(190);
    expect(waited).toBeLessThan(5_000);
  });

  it("the caller's abort mid-request rejects with its reason rather than reporting a failure", async () => {
    const { transport } = await resendAt({ faults: () => 'hang' }, { timeoutMs: 10_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('received SIGTERM')), 50);
    await expect(
      transport.sendBatch(batch(), { idempotencyKey: 'a', signal: controller.signal }),
    ).rejects.toThrow('received SIGTERM');
  });

  it('a server that is not there → retryable network error', async () => {
    const { standIn } = await start();
    const url = standIn.url;
    await standIn.close();
    const transport = createResendTransport({ apiKey: KEY, baseUrl: url });
    const res = await transport.sendOne(outgoing(0));
    expect(res).toMatchObject({ ok: false, error: { kind: 'retryable', status: null } });
  });
});

describe('classifyResendError / retryAfterMs', () => {
  const e = (statusCode: number | null, name: string) => ({ statusCode, name, message: 'm' });
  it.each([
    [e(429, 'monthly_quota_exceeded'), 'quota'],
    [e(429, 'rate_limit_exceeded'), 'rate_limited'],
    [e(502, 'application_error'), 'retryable'],
    [e(null, 'application_error'), 'retryable'],
    [e(409, 'concurrent_idempotent_requests'), 'retryable'],
    [e(409, 'invalid_idempotent_request'), 'rejected'],
    [e(400, 'invalid_idempotency_key'), 'rejected'],
    [e(401, 'missing_api_key'), 'rejected'],
    [e(403, 'validation_error'), 'rejected'],
  ])('%o → %s', (error, kind) => {
    expect(classifyResendError(error, null).kind).toBe(kind);
  });

  it('reads seconds, HTTP dates and ratelimit-reset, defaulting to 1 s', () => {
    const now = Date.parse('2026-08-31T08:00:00Z');
    expect(retryAfterMs({ 'retry-after': '2' }, now)).toBe(2000);
    expect(retryAfterMs({ 'retry-after': '0.25' }, now)).toBe(250);
    expect(retryAfterMs({ 'retry-after': 'Mon, 31 Aug 2026 08:00:03 GMT' }, now)).toBe(3000);
    expect(retryAfterMs({ 'ratelimit-reset': '1' }, now)).toBe(1000);
    expect(retryAfterMs({ 'retry-after': 'soon' }, now)).toBe(1000);
    expect(retryAfterMs(null, now)).toBe(1000);
  });
});
