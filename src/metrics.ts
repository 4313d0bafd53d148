// Prometheus metrics of one `serve` or `schedule` process, and the small HTTP server that
// answers GET /metrics on METRICS_PORT. The only module that imports prom-client: the rest of
// the program sees the narrow hooks below (SiteMetrics, SendMetrics) and calls them, so the
// sender, the mail worker and the routes stay free of the library. Gauges that need the
// database (the mail queue, a send's progress) are read on scrape, bounded by a timeout, and
// a read that fails is counted (verdicts_metrics_collect_errors_total), never a failed scrape.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** What the site's routes report: requests by route pattern, webhooks, capped confirmations. */
export type SiteMetrics = {
  /** `route` is the pattern that matched (`/confirm/:token`), never the raw path. */
  request(method: string, route: string, status: number, seconds: number): void;
  webhook(outcome: string): void;
  confirmCapped(cap: 'mailbox' | 'hour'): void;
};

/** What a sender (the weekly send, the site's mail worker) reports about the provider. */
export type SendMetrics = {
  /** The provider answered 429. */
  rateLimited(): void;
  /** A request is tried again after a retryable failure (`kind`: the failure's kind). */
  retried(kind: string): void;
  /** This process sends `week` now; null: it finished or stopped. */
  sending?(week: string | null): void;
};

/** The mail queue at scrape time (the store's mailQueue.depth). */
export type QueueDepth = { queued: number; sending: number; oldestAgeSeconds: number };

/** A week's ledger summary, as far as the gauges need it. */
export type SendSummary = {
  recipients: number;
  sent: number;
  skipped: number;
  pending: number;
  failed: number;
  uncertain: number;
  refused: number;
  batches: Record<string, number>;
};

export type Metrics = {
  readonly contentType: string;
  /** The Prometheus text exposition of every metric. */
  render(): Promise<string>;
  readonly site: SiteMetrics;
  /** Counters for one sender: `issue` (the weekly send) or `site` (confirmations, welcomes). */
  sender(name: 'issue' | 'site'): SendMetrics;
  watchMailQueue(read: () => Promise<QueueDepth>): void;
  /** Progress of the week this process sends (or sent last), from its ledger summary. */
  watchSend(summary: (week: string) => Promise<SendSummary>): void;
  /** `verdicts_lease_held{lease}`: 1 while `held()` says this process holds it. */
  watchLease(lease: string, held: () => boolean): void;
};

export type MetricsOptions = {
  role: 'serve' | 'schedule';
  /** INSTANCE_ID, as a label of `verdicts_info` (join it with the logs' `instance`). */
  instance: string;
  /** A scrape-time read slower than this counts as failed (default 2 s). */
  collectTimeoutMs?: number;
  /** Node's process metrics (CPU, memory, event loop), prefixed verdicts_ (default true). */
  processMetrics?: boolean;
};

const P = 'verdicts_';

export function createMetrics(opts: MetricsOptions): Metrics {
  const registers = [new Registry()];
  const [registry] = registers as [Registry];
  const timeoutMs = opts.collectTimeoutMs ?? 2_000;
  if (opts.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: P });

  new Gauge({
    name: `${P}info`,
    help: 'Always 1: which program and instance (INSTANCE_ID) this is',
    labelNames: ['role', 'instance'],
    registers,
  }).set({ role: opts.role, instance: opts.instance }, 1);

  /** Every scrape-time read: the error counter waits for them, so it counts this scrape's. */
  const collectors: (() => Promise<void>)[] = [];
  const collectErrors = new Counter({
    name: `${P}metrics_collect_errors_total`,
    help: 'Scrape-time reads (the database) that failed or timed out, by source',
    labelNames: ['source'],
    registers,
    collect: async () => {
      await Promise.all(collectors.map((c) => c()));
    },
  });
  /**
   * A scrape-time read shared by the gauges it sets (a scrape collects every metric at once,
   * so they all wait on one read); on failure or timeout it is counted and their values drop.
   */
  const collecting = (source: string, gauges: Gauge[], read: () => Promise<void>) => {
    let running: Promise<void> | undefined;
    const once = async () => {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          read(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error('timed out')), timeoutMs);
          }),
        ]);
      } catch {
        collectErrors.inc({ source });
        for (const g of gauges) g.reset();
      } finally {
        clearTimeout(timer);
      }
    };
    const collect = (): Promise<void> => {
      running ??= once().finally(() => {
        running = undefined;
      });
      return running;
    };
    collectors.push(collect);
    return collect;
  };

  let site: SiteMetrics | undefined;
  const makeSite = (): SiteMetrics => {
    const requests = new Counter({
      name: `${P}http_requests_total`,
      help: 'HTTP requests answered, by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    const duration = new Histogram({
      name: `${P}http_request_duration_seconds`,
      help: 'Time to answer an HTTP request, by method and route pattern',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    const webhooks = new Counter({
      name: `${P}webhook_events_total`,
      help: 'Resend webhook deliveries, by outcome (recorded, duplicate, rejected, ...)',
      labelNames: ['outcome'],
      registers,
    });
    const capped = new Counter({
      name: `${P}confirmations_capped_total`,
      help: 'Confirmation emails not queued because a cap was reached, by cap (mailbox, hour)',
      labelNames: ['cap'],
      registers,
    });
    return {
      request(method, route, status, seconds) {
        requests.inc({ method, route, status: String(status) });
        duration.observe({ method, route }, seconds);
      },
      webhook: (outcome) => webhooks.inc({ outcome }),
      confirmCapped: (cap) => capped.inc({ cap }),
    };
  };

  const rateLimited = new Counter({
    name: `${P}send_rate_limited_total`,
    help: 'Provider answers 429 (rate limited), by sender (issue, site)',
    labelNames: ['sender'],
    registers,
  });
  const retries = new Counter({
    name: `${P}send_retries_total`,
    help: 'Requests tried again after a retryable failure, by sender and failure kind',
    labelNames: ['sender', 'kind'],
    registers,
  });
  const sendActive = new Gauge({
    name: `${P}send_active`,
    help: '1 while this process sends a weekly issue',
    registers,
  });
  let sendingWeek: string | null = null;
  const leases = new Map<string, () => boolean>();
  let leaseGauge = false;

  return {
    contentType: registry.contentType,
    render: () => registry.metrics(),
    get site() {
      site ??= makeSite();
      return site;
    },
    sender: (sender) => ({
      rateLimited: () => rateLimited.inc({ sender }),
      retried: (kind) => retries.inc({ sender, kind }),
      sending(week) {
        if (sender !== 'issue') return;
        sendActive.set(week ? 1 : 0);
        if (week) sendingWeek = week;
      },
    }),
    watchMailQueue(read) {
      const depth: Gauge = new Gauge({
        name: `${P}mail_queue_depth`,
        help: 'Site emails (confirmations, welcomes) waiting to be sent, by status (queued, sending)',
        labelNames: ['status'],
        registers,
        collect: () => collect(),
      });
      const oldest: Gauge = new Gauge({
        name: `${P}mail_queue_oldest_age_seconds`,
        help: 'Age of the oldest site email still queued or sending (0: none)',
        registers,
        collect: () => collect(),
      });
      const collect = collecting('mail_queue', [depth, oldest], async () => {
        const d = await read();
        depth.set({ status: 'queued' }, d.queued);
        depth.set({ status: 'sending' }, d.sending);
        oldest.set(d.oldestAgeSeconds);
      });
    },
    watchSend(summary) {
      const recipients: Gauge = new Gauge({
        name: `${P}send_recipients`,
        help: 'Recipients of the week being sent (or sent last) by this process, by state (frozen, submitted, skipped, refused, pending, failed, uncertain)',
        labelNames: ['week', 'state'],
        registers,
        collect: () => collect(),
      });
      const batches: Gauge = new Gauge({
        name: `${P}send_batches`,
        help: 'Batches of the week being sent (or sent last) by this process, by status',
        labelNames: ['week', 'status'],
        registers,
        collect: () => collect(),
      });
      const collect = collecting('send', [recipients, batches], async () => {
        const week = sendingWeek;
        if (!week) return;
        const s = await summary(week);
        recipients.reset();
        batches.reset();
        const states: Record<string, number> = {
          frozen: s.recipients,
          submitted: s.sent,
          skipped: s.skipped,
          pending: s.pending,
          failed: s.failed,
          uncertain: s.uncertain,
          refused: s.refused,
        };
        for (const [state, n] of Object.entries(states)) recipients.set({ week, state }, n);
        for (const [status, n] of Object.entries(s.batches)) batches.set({ week, status }, n);
      });
    },
    watchLease(lease, held) {
      leases.set(lease, held);
      if (leaseGauge) return;
      leaseGauge = true;
      new Gauge({
        name: `${P}lease_held`,
        help: '1 while this process holds the lease (schedule: the active runner), else 0',
        labelNames: ['lease'],
        registers,
        // Read on scrape: who holds what is in memory, nothing to wait for.
        collect() {
          for (const [name, isHeld] of leases) this.set({ lease: name }, isHeld() ? 1 : 0);
        },
      });
    },
  };
}

export type MetricsServer = { url: string; port: number; close(): Promise<void> };

/**
 * GET /metrics on its own port, apart from the public site: a proxy that routes the site
 * cannot expose it by mistake. Anything else is 404. Port 0 picks a free one (tests).
 */
export function startMetricsServer(
  metrics: Pick<Metrics, 'render' | 'contentType'>,
  opts: { port: number; host: string },
): Promise<MetricsServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end();
      return;
    }
    metrics.render().then(
      (text) => {
        res.writeHead(200, { 'content-type': metrics.contentType });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      (e: Error) => {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`${e.message}\n`);
      },
    );
  });
  server.keepAliveTimeout = 5_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      const info = server.address() as AddressInfo;
      const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${host}:${info.port}/metrics`,
        port: info.port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
