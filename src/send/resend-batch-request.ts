// POST /emails/batch with a laid-out body, over node:http(s): the body is copied out a 64 KB
// block at a time as the socket takes them, with the headers the resend SDK sets
// (Authorization, User-Agent and Content-Type from the SDK's own client, Idempotency-Key,
// and x-batch-validation: permissive, as `batchValidation: 'permissive'` sets it), and the answer is read as the SDK's fetchRequest reads it, so
// classifyResendError sees the same { data, error, headers } values either way.
//
// Why not the SDK's post() or fetch: fetch (undici) copies or re-chunks the body through web
// streams and, with four requests in flight, held 130 MB more than this for the same 2.4 MB
// bodies and took two to fourteen times as long (1,000 seed-size batches to a local sink:
// node:http 4.6 s and 86 MB peak; fetch with one Buffer 8.7-10.9 s, 191-198 MB; with a Blob
// of shared parts 66 s, 174 MB; with an async iterable 53 s, 172 MB).
import http from 'node:http';
import https from 'node:https';
import type { BatchBody } from './resend-batch-body.ts';

export type SdkError = { statusCode: number | null; name: string; message: string };
export type SdkResponse<T> = {
  data: T | null;
  error: SdkError | null;
  headers: Record<string, string> | null;
};
/**
 * Permissive validation: `data` holds ids of the accepted emails only, in request order;
 * `errors` the refused ones by their index in the request (absent or empty: none refused).
 */
export type BatchAnswer = {
  data: { id: string }[];
  errors?: { index: number; message: string }[];
};

export type BatchEndpoint = { baseUrl: string; apiKey: string; userAgent: string };

// The SDK's wording for the same situations (resend 6.38 fetchRequest).
const UNREACHABLE: SdkResponse<never> = {
  data: null,
  error: {
    name: 'application_error',
    statusCode: null,
    message: 'Unable to fetch data. The request could not be resolved.',
  },
  headers: null,
};
const NOT_JSON =
  'Internal server error. We are unable to process your request right now, please try again later.';

const flatHeaders = (h: http.IncomingHttpHeaders): Record<string, string> =>
  Object.fromEntries(
    Object.entries(h).flatMap(([k, v]) =>
      v === undefined ? [] : [[k, Array.isArray(v) ? v.join(', ') : v]],
    ),
  );

/** What the SDK returns for this status and body text. */
export function readAnswer(
  status: number,
  headers: Record<string, string>,
  text: string,
): SdkResponse<BatchAnswer> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    if (status >= 200 && status < 300) return UNREACHABLE;
    const error = { name: 'application_error', statusCode: status, message: NOT_JSON };
    return { data: null, error, headers };
  }
  if (status >= 200 && status < 300) {
    return { data: parsed as BatchAnswer, error: null, headers };
  }
  return { data: null, error: parsed as SdkError, headers };
}

export function createBatchPoster(endpoint: BatchEndpoint) {
  const url = new URL(`${endpoint.baseUrl}/emails/batch`);
  const secure = url.protocol === 'https:';
  // Keep-alive sockets are unref'd while idle, so they never hold the process open.
  const agent = secure ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  const request = secure ? https.request : http.request;

  /**
   * One POST. It gives up after `timeoutMs` (`timedOut`) or when `signal` aborts (the caller
   * then sees its own abort), by destroying the request from a plain timer or listener: no
   * AbortController per request, whose signal outlived its request often enough to be
   * promoted (about 660 bytes a request, until a full collection).
   */
  return (
    body: BatchBody,
    opts: { idempotencyKey: string; timeoutMs: number; signal?: AbortSignal; onWrite?: () => void },
  ): Promise<{ res: SdkResponse<BatchAnswer>; timedOut: boolean }> =>
    new Promise((resolve) => {
      let settled = false;
      let timedOut = false;
      const { signal } = opts;
      const settle = (res: SdkResponse<BatchAnswer>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', stop);
        resolve({ res, timedOut });
      };
      const headers = {
        Authorization: `Bearer ${endpoint.apiKey}`,
        'User-Agent': endpoint.userAgent,
        'Content-Type': 'application/json',
        // One address the provider will not take is refused alone, not with its whole batch.
        'x-batch-validation': 'permissive',
        'Idempotency-Key': opts.idempotencyKey,
        'Content-Length': String(body.length),
      };
      const req = request(url, { method: 'POST', agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          settle(readAnswer(res.statusCode ?? 0, flatHeaders(res.headers), text));
        });
        // A connection lost mid-answer: nothing usable arrived.
        res.on('close', () => settle(UNREACHABLE));
      });
      const stop = () => {
        req.destroy();
        settle(UNREACHABLE);
      };
      const timer = setTimeout(() => {
        timedOut = true;
        stop();
      }, opts.timeoutMs);
      signal?.addEventListener('abort', stop, { once: true });
      req.on('error', () => settle(UNREACHABLE));
      // The bytes go out once the socket is connected (a reused keep-alive one already is).
      const { onWrite } = opts;
      if (onWrite) {
        req.once('socket', (socket) => {
          if (!socket.connecting) return onWrite();
          socket.once(secure ? 'secureConnect' : 'connect', onWrite);
        });
      }
      // The body goes out a block at a time, the next one copied when the last one's write is
      // done (the body reuses its block); nothing of it is held after its last byte.
      let rest: BatchBody | null = body;
      const pump = (error?: Error | null): void => {
        if (error || settled || !rest) return;
        const block = rest.next();
        if (block) {
          req.write(block, pump);
        } else {
          rest = null;
          req.end();
        }
      };
      pump();
    });
}
