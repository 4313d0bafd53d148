// Per-team request rate limit: a sliding one-second window over admitted requests.
// Over it, Resend answers 429 rate_limit_exceeded with ratelimit-* and retry-after headers.

export interface RateLimitOptions {
  /** Requests per second; `0`, `false` or `Infinity` turns the limit off. Default 2. */
  perSecond?: number | false;
  /**
   * `'seconds'` (default): `retry-after`/`ratelimit-reset` are whole seconds, at least 1,
   * like the real API. `'ms'`: fractional seconds (e.g. `0.237`) for tight pacing tests.
   */
  precision?: 'seconds' | 'ms';
  windowMs?: number;
}

export type RateDecision =
  | { ok: true; headers: Record<string, string> }
  | { ok: false; headers: Record<string, string>; retryAfterMs: number };

export class RateLimiter {
  private readonly admitted: number[] = [];
  private head = 0;
  private limit: number;
  private readonly precision: 'seconds' | 'ms';
  private readonly windowMs: number;

  constructor(
    opts: RateLimitOptions,
    private readonly now: () => number,
  ) {
    this.limit = RateLimiter.toLimit(opts.perSecond);
    this.precision = opts.precision ?? 'seconds';
    this.windowMs = opts.windowMs ?? 1000;
  }

  private static toLimit(perSecond: number | false | undefined): number {
    if (perSecond === undefined) return 2;
    if (perSecond === false || perSecond <= 0) return Number.POSITIVE_INFINITY;
    return perSecond;
  }

  setLimit(perSecond: number | false): void {
    this.limit = RateLimiter.toLimit(perSecond);
  }

  private fmt(ms: number): string {
    if (this.precision === 'ms') return String(Math.max(0.001, Math.round(ms) / 1000));
    return String(Math.max(1, Math.ceil(ms / 1000)));
  }

  /**
   * Admits the request (counting it) or refuses it (not counted). `at` is when it arrived
   * (default now): a request decided once its body is in still counts from its arrival, so
   * arrivals may come in slightly out of order; the window is (at - window, at].
   */
  take(at: number = this.now()): RateDecision {
    if (!Number.isFinite(this.limit)) return { ok: true, headers: {} };
    const t = at;
    // Forget what no window can reach any more (decisions lag arrivals by a body at most).
    const horizon = this.now() - 2 * this.windowMs;
    while (this.head < this.admitted.length && this.admitted[this.head]! <= horizon) this.head++;
    if (this.head > 1024) {
      this.admitted.splice(0, this.head);
      this.head = 0;
    }
    const inWindow: number[] = [];
    for (let k = this.head; k < this.admitted.length; k++) {
      const a = this.admitted[k]!;
      if (a > t - this.windowMs && a <= t) inWindow.push(a);
    }
    const limit = String(this.limit);
    if (inWindow.length >= this.limit) {
      const retryAfterMs = inWindow[0]! + this.windowMs - t;
      const wait = this.fmt(retryAfterMs);
      const headers = {
        'ratelimit-limit': limit,
        'ratelimit-remaining': '0',
        'ratelimit-reset': wait,
        'retry-after': wait,
      };
      return { ok: false, headers, retryAfterMs };
    }
    // Sorted insert: usually at the end.
    let k = this.admitted.length;
    while (k > this.head && this.admitted[k - 1]! > t) k--;
    this.admitted.splice(k, 0, t);
    const oldest = inWindow[0] ?? t;
    return {
      ok: true,
      headers: {
        'ratelimit-limit': limit,
        'ratelimit-remaining': String(this.limit - inWindow.length - 1),
        'ratelimit-reset': this.fmt(oldest + this.windowMs - t),
      },
    };
  }
}
