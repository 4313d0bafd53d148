/**
 * Local stand-in for the Resend API, for tests and benches. Real HTTP on 127.0.0.1 that the
 * real `resend` SDK talks to via `new Resend(key, { baseUrl: standIn.url })`.
 *
 *   const standIn = await startResendStandIn({ apiKey: 're_test', rateLimit: 2 });
 *   standIn.url; standIn.deliveries(); standIn.countByRecipient(); standIn.requests;
 *   standIn.stats(); standIn.setFaults(fn | plan | null); standIn.setRateLimit(n | false);
 *   standIn.arrivals(); // [{ at, status }] per request, by arrival
 *   await standIn.close(); // also destroys hung sockets
 *
 * Endpoints: POST /emails, POST /emails/batch (see test/fixtures/resend/BEHAVIOUR.md for the
 * behaviour copied: auth, 2 req/s rate limit, 24 h idempotency keys, strict and permissive
 * batch validation, OpenAPI `SendEmailRequest` checks, and `refuseAddresses`: addresses it
 * refuses as Resend refuses an invalid `to`); GET /__stand-in/stats, /__stand-in/deliveries and
 * /__stand-in/arrivals (no auth).
 * Order of checks: auth (401/403) → rate limit (429) → Idempotency-Key length (400) → fault →
 * JSON → idempotency replay/409 → validation (422) → record → 200.
 * The rate limit counts a request from when it ARRIVED (its headers were in), in a sliding
 * window, decided once its body is in (an upload the client gave up on is never counted);
 * `arrivalJitterMs` delays each arrival by a random 0..n ms first, as a network path would. Every answer past auth
 * carries `ratelimit-limit`, `ratelimit-remaining` and `ratelimit-reset`.
 * Fault kinds and options: faults.ts. Recording: recorder.ts.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { errorReply, type Reply, writeReply } from './errors.ts';
import { type FaultsOption, seededRandom, toFaultFn } from './faults.ts';
import { type Endpoint, handleSend, type Outcome } from './handle-send.ts';
import { DAY_MS, IdempotencyStore } from './idempotency.ts';
import { createEmailCheck, refusing } from './openapi-check.ts';
import { RateLimiter } from './rate-limit.ts';
import { type Delivery, Recorder, type RequestLogEntry, type Stats } from './recorder.ts';

export interface StandInOptions {
  /** The one API key accepted (403 invalid_api_key for others). Default `re_test`. */
  apiKey?: string;
  /** Default 0 (any free port). Always binds 127.0.0.1. */
  port?: number;
  /** Requests per second for the whole server (one team); `false` turns it off. Default 2. */
  rateLimit?: number | false;
  /** `seconds` (default): integer retry-after ≥ 1; `ms`: fractional seconds. */
  rateLimitPrecision?: 'seconds' | 'ms';
  faults?: FaultsOption;
  /** Clock for rate limit and idempotency expiry. Default Date.now. */
  now?: () => number;
  /** false: keep only id/to/subject/headers/idempotencyKey/requestNo per email. Default true. */
  recordBodies?: boolean;
  /** Refuse top-level keys `SendEmailRequest` does not list (e.g. `replyTo`). Default true. */
  strictFields?: boolean;
  specPath?: string;
  /**
   * Addresses (case-insensitive) refused as Resend refuses an invalid `to`: a 422 for a single
   * email or a strict batch; in a permissive batch that email alone, listed in `errors`.
   */
  refuseAddresses?: readonly string[];
  idempotencyTtlMs?: number;
  /** Each request arrives a random 0..n ms late (seeded by `jitterSeed`). Default 0. */
  arrivalJitterMs?: number;
  jitterSeed?: number;
}

export interface ResendStandIn {
  url: string;
  port: number;
  deliveries(): readonly Delivery[];
  /** Copies per mailbox (lower-cased address from `to`). */
  countByRecipient(): Map<string, number>;
  readonly requests: readonly RequestLogEntry[];
  /** When each request was counted, and what it got (null: no answer), in arrival order. */
  arrivals(): { at: number; status: number | null }[];
  stats(): Stats;
  setFaults(faults: FaultsOption): void;
  setRateLimit(perSecond: number | false): void;
  close(): Promise<void>;
}

const ENDPOINTS = new Set<string>(['/emails', '/emails/batch']);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

const flatHeaders = (req: IncomingMessage): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
};

const authError = (header: string | undefined, apiKey: string): Reply | null => {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!m) return errorReply(401, 'missing_api_key', 'Missing API key in the authorization header.');
  if (m[1] !== apiKey) return errorReply(403, 'invalid_api_key', 'API key is invalid.');
  return null;
};

export const startResendStandIn = async (opts: StandInOptions = {}): Promise<ResendStandIn> => {
  const apiKey = opts.apiKey ?? 're_test';
  const now = opts.now ?? Date.now;
  const check = refusing(
    createEmailCheck({ specPath: opts.specPath, strictFields: opts.strictFields }),
    opts.refuseAddresses ?? [],
  );
  const limiter = new RateLimiter(
    { perSecond: opts.rateLimit, precision: opts.rateLimitPrecision },
    now,
  );
  const idempotency = new IdempotencyStore(now, opts.idempotencyTtlMs ?? DAY_MS);
  const recorder = new Recorder(opts.recordBodies ?? true);
  let faultFn = toFaultFn(opts.faults);
  let closed = false;
  let requestNo = 0;
  const sockets = new Set<Socket>();
  const jitterMs = opts.arrivalJitterMs ?? 0;
  const jitter = seededRandom(opts.jitterSeed ?? 7);
  const deps = { check, idempotency, recorder, faults: () => faultFn, isClosed: () => closed };

  const standInRoute = (path: string, res: ServerResponse): boolean => {
    if (path === '/__stand-in/stats') writeReply(res, { status: 200, body: recorder.stats() });
    else if (path === '/__stand-in/deliveries') {
      const body = recorder.deliveries.map((d) => ({ id: d.id, to: d.to }));
      writeReply(res, { status: 200, body });
    } else if (path === '/__stand-in/arrivals') {
      writeReply(res, { status: 200, body: arrivals() });
    } else return false;
    return true;
  };

  const api = async (req: IncomingMessage, res: ServerResponse, path: string) => {
    // The body streams in while the request is counted: arrival is when the headers are in.
    const body = readBody(req);
    // Handled where it is awaited; this only keeps a client that hangs up early from being
    // reported as an unhandled rejection while the arrival waits out its jitter.
    body.catch(() => undefined);
    if (jitterMs > 0) await sleep(jitter() * jitterMs);
    const no = ++requestNo;
    const headers = flatHeaders(req);
    const entry: RequestLogEntry = {
      requestNo: no,
      method: req.method ?? '',
      path,
      status: null,
      headers,
      at: now(),
    };
    let rateHeaders: Record<string, string> = {};
    const finish = (outcome: Outcome) => {
      if (outcome.kind === 'reply') entry.status = outcome.reply.status;
      recorder.logRequest(entry);
      if (outcome.kind === 'destroy') req.socket.destroy();
      if (outcome.kind !== 'reply') return;
      writeReply(res, { ...outcome.reply, headers: { ...rateHeaders, ...outcome.reply.headers } });
    };
    const reply = async (r: Reply) => {
      // Drain the body first so the connection stays usable for the client's next request.
      await body;
      finish({ kind: 'reply', reply: r });
    };
    const refused = authError(headers.authorization, apiKey);
    if (refused) return reply(refused);
    // Counted from its arrival, decided with the body in: a client that timed out mid-upload
    // and retried has not used up the window twice.
    await body;
    const rate = limiter.take(entry.at);
    rateHeaders = rate.headers;
    if (!rate.ok) {
      const n = rate.headers['ratelimit-limit'];
      const msg = `Too many requests. You can only make ${n} requests per second.`;
      return reply(errorReply(429, 'rate_limit_exceeded', msg, rate.headers));
    }
    if (!ENDPOINTS.has(path)) return reply(errorReply(404, 'not_found', 'Not found.'));
    if (req.method !== 'POST') {
      return reply(errorReply(405, 'method_not_allowed', 'Method not allowed.'));
    }
    const mode = headers['x-batch-validation'] === 'permissive' ? 'permissive' : 'strict';
    const { outcome, fault } = await handleSend(deps, {
      endpoint: path as Endpoint,
      requestNo: no,
      rawBody: await body,
      idempotencyKey: headers['idempotency-key'],
      batchValidation: mode,
    });
    if (fault) entry.fault = fault;
    finish(outcome);
  };

  const arrivals = () =>
    [...recorder.requests].sort((a, b) => a.at - b.at).map((r) => ({ at: r.at, status: r.status }));

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://stand-in').pathname.replace(/\/+$/, '') || '/';
    if (req.method === 'GET' && standInRoute(path, res)) return;
    api(req, res, path).catch((err: unknown) => {
      const reply = errorReply(500, 'internal_server_error', `stand-in bug: ${String(err)}`);
      if (!res.headersSent && !res.destroyed) writeReply(res, reply);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    deliveries: () => recorder.deliveries,
    countByRecipient: () => recorder.countByRecipient(),
    requests: recorder.requests,
    arrivals,
    stats: () => recorder.stats(),
    setFaults: (faults) => {
      faultFn = toFaultFn(faults);
    },
    setRateLimit: (perSecond) => limiter.setLimit(perSecond),
    close: () => {
      closed = true;
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const s of sockets) s.destroy();
      return done;
    },
  };
};
