// Prometheus metrics of one `serve` or `schedule` process (metrics-server.ts answers GET
// /metrics on METRICS_PORT). The only module that imports prom-client: the rest of the
// program sees the narrow hooks of metrics-hooks.ts (SiteMetrics, SendMetrics) and calls them,
// so the sender, the mail worker and the routes stay free of the library. Gauges that need the
// database (the mail queue, a send's progress) are read on scrape, bounded by a timeout, and
// a read that fails is counted (verdicts_metrics_collect_errors_total), never a failed scrape.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type {
  Metrics,
  QueueDepth,
  SendMetrics,
  SendSummary,
  SiteMetrics,
} from './metrics-hooks.ts';

export { type MetricsServer, startMetricsServer } from './metrics-server.ts';
export type { Metrics, QueueDepth, SendMetrics, SendSummary, SiteMetrics };

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
