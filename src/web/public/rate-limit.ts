// A fixed-window counter per client, in memory: enough for one public process (a restart
// forgets the counts, which is harmless). Expired windows are swept so memory stays bounded.
export type RateLimiter = {
  /** Count one request; false when the client is over the limit for this window. */
  hit(key: string, now: Date): boolean;
  size(): number;
};

export function createRateLimiter(limit: number, windowMs: number): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  let lastSweep = 0;
  const sweep = (t: number) => {
    if (t - lastSweep < windowMs) return;
    lastSweep = t;
    for (const [k, w] of windows) if (t - w.start >= windowMs) windows.delete(k);
  };
  return {
    hit(key, now) {
      const t = now.getTime();
      sweep(t);
      const w = windows.get(key);
      if (!w || t - w.start >= windowMs) {
        windows.set(key, { start: t, count: 1 });
        return limit >= 1;
      }
      w.count += 1;
      return w.count <= limit;
    },
    size: () => windows.size,
  };
}
