// The batch request the Resend transport builds from shared segments must be what the resend
// SDK itself sends for the same emails (resend.batch.send): the same body bytes, path and the
// headers the SDK sets. A capture server on 127.0.0.1 records both requests' raw bytes. Only
// the headers fetch (undici) adds on its own (accept, accept-encoding, accept-language,
// sec-fetch-mode) and connection management differ.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Resend } from 'resend';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Issue } from '../../src/content/issue.ts';
import { compileFiller, type Filler } from '../../src/render/personalise.ts';
import { renderIssue } from '../../src/render/render-issue.ts';
import { batchBody, bodyBytes } from '../../src/send/resend-batch-body.ts';
import { createBatchPoster } from '../../src/send/resend-batch-request.ts';
import { createResendTransport, toSdkEmail } from '../../src/send/resend-transport.ts';
import type { OutgoingEmail } from '../../src/send/transport.ts';
import { RENDER_OPTS, seedIssue, sixPairIssue } from '../support/issue-fixtures.ts';
import { personalisedReaders } from '../support/personalised-readers.ts';
import { outgoing } from './transport-suite.ts';

type Captured = { method: string; url: string; headers: IncomingMessage['headers']; body: Buffer };

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

type Answer = { status: number; body: string } | 'drop';

/** Records every request and answers like Resend's batch endpoint (one id per email), or as told. */
async function capture(answer?: Answer): Promise<{ url: string; seen: Captured[] }> {
  const seen: Captured[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (answer === 'drop') return req.socket.destroy();
      const n = (JSON.parse(body.toString('utf8')) as unknown[]).length;
      const ids = JSON.stringify({
        data: Array.from({ length: n }, (_, i) => ({ id: `id-${i}` })),
      });
      res.writeHead(answer?.status ?? 200, {
        'content-type': 'application/json',
        'retry-after': '2',
      });
      res.end(answer?.body ?? ids);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise<void>((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

/** Sends the same batch through resend.batch.send and through the transport; returns both requests. */
async function bothWays(emails: OutgoingEmail[], key = '2026-W48:0') {
  const { url, seen } = await capture();
  const sdk = await new Resend('re_parity', { baseUrl: url }).batch.send(emails.map(toSdkEmail), {
    idempotencyKey: key,
    batchValidation: 'permissive',
  });
  expect(sdk.error).toBeNull();
  const ours = await createResendTransport({ apiKey: 're_parity', baseUrl: url }).sendBatch(
    emails,
    { idempotencyKey: key },
  );
  expect(ours).toEqual({
    ok: true,
    value: { ids: emails.map((_, i) => `id-${i}`), refused: [] },
  });
  expect(seen).toHaveLength(2);
  return { sdk: seen[0]!, ours: seen[1]! };
}

/** The headers the SDK itself sets, and what the body needs (host and length). */
const SDK_HEADERS = [
  'authorization',
  'user-agent',
  'content-type',
  'idempotency-key',
  'x-batch-validation',
  'content-length',
  'host',
];
const sdkSet = (c: Captured) => Object.fromEntries(SDK_HEADERS.map((h) => [h, c.headers[h]]));

const NAMES = [
  null,
  'Zoë “Quotes” — Ünïcode',
  'Tab\there, back\\slash, "dq" and </script>',
  'Emoji ☕🚀 and a line\r\nbreak',
  'U+2028\u2028 and U+2029\u2029',
];

const readers = (fill: Filler, week: string, n: number) =>
  personalisedReaders(fill, week, n, NAMES, 'Editors <ed@verdicts.example>');

let seed: Issue;
let six: Issue;
let seedFill: Filler;
let sixFill: Filler;
beforeAll(async () => {
  seed = await seedIssue();
  six = await sixPairIssue();
  seedFill = compileFiller(await renderIssue(seed, RENDER_OPTS), seed);
  sixFill = compileFiller(await renderIssue(six, RENDER_OPTS), six);
});

describe('Resend batch body: the bytes the SDK would send', () => {
  it('a full batch of 100 seed-issue readers: same body bytes and the same headers', async () => {
    const { sdk, ours } = await bothWays(readers(seedFill, seed.week, 100));
    expect(ours.body.length).toBeGreaterThan(100 * 20_000);
    expect(ours.body.equals(sdk.body)).toBe(true);
    expect([ours.method, ours.url]).toEqual([sdk.method, sdk.url]);
    expect(sdkSet(ours)).toEqual(sdkSet(sdk));
    expect(ours.headers).toMatchObject({
      authorization: 'Bearer re_parity',
      'idempotency-key': '2026-W48:0',
      'x-batch-validation': 'permissive',
      'content-type': 'application/json',
      'user-agent': expect.stringMatching(/^resend-node:6\.38\./),
      'content-length': String(sdk.body.length),
    });
  });

  it('the six-pair issue (many placeholders, curly quotes in the text part): same bytes', async () => {
    const { sdk, ours } = await bothWays(readers(sixFill, six.week, 37), 'k6');
    expect(ours.body.equals(sdk.body)).toBe(true);
    expect(sdkSet(ours)).toEqual(sdkSet(sdk));
  });

  it('plain-string emails with optional fields left out and hostile characters: same bytes', async () => {
    const odd = (i: number, extra: Partial<OutgoingEmail>) => outgoing(i, extra);
    const emails = [
      odd(0, {}),
      odd(1, { headers: {}, tags: [] }),
      odd(2, { replyTo: 'ed@verdicts.example', subject: 'Café — “x” \\ \u0001 \u2028' }),
      odd(3, { html: '<p>lone \ud800 surrogate, \u007f, \u0000 nul</p>', text: 'a\r\nb\tc"d' }),
      odd(4, { html: '', text: '' }),
    ];
    const { sdk, ours } = await bothWays(emails, 'plain');
    expect(ours.body.equals(sdk.body)).toBe(true);
    expect(sdkSet(ours)).toEqual(sdkSet(sdk));
  });

  it('reads every kind of answer into the same { data, error, headers } the SDK returns', async () => {
    const answers: Answer[] = [
      { status: 200, body: '{"data":[{"id":"a"}]}' },
      { status: 422, body: '{"statusCode":422,"name":"validation_error","message":"bad to"}' },
      { status: 429, body: '{"statusCode":429,"name":"rate_limit_exceeded","message":"slow"}' },
      { status: 502, body: '<html>Bad gateway</html>' },
      { status: 200, body: 'not json' },
      'drop',
    ];
    const emails = [outgoing(0)];
    for (const answer of answers) {
      const { url } = await capture(answer);
      const sdk = await new Resend('re_parity', { baseUrl: url }).batch.send(
        emails.map(toSdkEmail),
        { idempotencyKey: 'a' },
      );
      const post = createBatchPoster({ baseUrl: url, apiKey: 're_parity', userAgent: 'x' });
      const { res: ours, timedOut } = await post(batchBody(emails), {
        idempotencyKey: 'a',
        timeoutMs: 10_000,
        signal: new AbortController().signal,
      });
      expect(timedOut).toBe(false);
      const comparable = (r: typeof ours) => ({
        ...r,
        headers: r.headers && { 'retry-after': r.headers['retry-after'] },
      });
      expect(comparable(ours), JSON.stringify(answer)).toEqual(comparable(sdk as typeof ours));
    }
  });

  it('is the same bytes every time it is built (a retry repeats the first payload)', async () => {
    const emails = readers(sixFill, six.week, 100);
    const a = bodyBytes(batchBody(emails));
    const b = bodyBytes(batchBody(readers(sixFill, six.week, 100)));
    expect(a.length).toBe(batchBody(emails).length);
    expect(a.equals(b)).toBe(true);
    expect(JSON.parse(a.toString('utf8'))).toHaveLength(100);
  });

  it('bodies laid out side by side keep their own bytes, and a huge value still fits', () => {
    const emails = readers(sixFill, six.week, 100);
    const long = outgoing(1, { to: `${'x'.repeat(200_000)}@example.com`, subject: 'Café ☕🚀' });
    const expected = [bodyBytes(batchBody(emails)), bodyBytes(batchBody([long]))];
    const both = [batchBody(emails), batchBody([long])];
    expect(both.map((b, i) => bodyBytes(b).equals(expected[i]!))).toEqual([true, true]);
    expect(JSON.parse(expected[1]!.toString('utf8'))[0].to).toBe(long.to);
  });
});
