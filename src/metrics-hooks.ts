// What the rest of the program sees of the metrics: narrow hooks the routes, the sender and
// the mail worker call, and the process's Metrics. No prom-client here (metrics.ts has it).
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
