// A load generator for the benches: every request of a list, `concurrency` in flight at once,
// spread round-robin over `targets`, on keep-alive connections. node:http rather than fetch:
// less work per request in this process, so more of the machine is left to the servers being
// measured. The requests are built (and signed) before the clock starts. A request sent on a
// kept-alive connection just as the server closed it for idleness gets ECONNRESET without
// having been read; it is sent again once on a new connection, as Node's documentation says a
// client should (`request.reusedSocket`), and counted.
import http from 'node:http';

export type LoadRequest = { path: string; headers: Record<string, string>; body: string };

export type LoadResult = {
  seconds: number;
  perSecond: number;
  /** Answers `ok` refused, and requests that got no answer. */
  failures: number;
  firstFailure?: string;
  /** Requests sent again after the keep-alive race above. */
  resent: number;
};

export async function runLoad(opts: {
  targets: readonly string[];
  requests: readonly LoadRequest[];
  concurrency: number;
  ok: (status: number, body: string) => boolean;
}): Promise<LoadResult> {
  const { targets, requests } = opts;
  const urls = targets.map((t) => new URL(t));
  const agents = targets.map(
    () => new http.Agent({ keepAlive: true, maxSockets: opts.concurrency }),
  );
  let failures = 0;
  let resent = 0;
  let firstFailure: string | undefined;
  const fail = (why: string) => {
    failures++;
    firstFailure ??= why;
  };
  const one = (i: number, again = false): Promise<void> =>
    new Promise<void>((resolve) => {
      const at = i % targets.length;
      const r = requests[i]!;
      const req = http.request(
        {
          host: urls[at]!.hostname,
          port: urls[at]!.port,
          path: r.path,
          method: 'POST',
          agent: agents[at],
          headers: { ...r.headers, 'content-length': String(Buffer.byteLength(r.body)) },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => {
            body += d;
          });
          res.on('end', () => {
            if (!opts.ok(res.statusCode ?? 0, body))
              fail(`${targets[at]}${r.path}: ${res.statusCode} ${body.slice(0, 200)}`);
            resolve();
          });
        },
      );
      req.on('error', (e: NodeJS.ErrnoException) => {
        if (req.reusedSocket && e.code === 'ECONNRESET' && !again) {
          resent++;
          resolve(one(i, true));
          return;
        }
        fail(`${targets[at]}${r.path}: ${e.message}`);
        resolve();
      });
      req.end(r.body);
    });
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < requests.length; i = next++) await one(i);
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: Math.min(opts.concurrency, requests.length) }, worker));
  const seconds = (performance.now() - t0) / 1000;
  for (const a of agents) a.destroy();
  return {
    seconds,
    perSecond: requests.length / seconds,
    failures,
    resent,
    ...(firstFailure ? { firstFailure } : {}),
  };
}
