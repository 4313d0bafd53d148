// The public site's rate limits, counted in the database so that N servers give a client the
// limit once, not N times: one row per key and fixed window, bumped by one statement. A hit in
// a new window restarts the count. Rows of windows long gone are swept now and then.
import type { Db } from './db.ts';

/** A sweep at most this often per process: the table stays as small as its live windows. */
const SWEEP_EVERY_MS = 60_000;

export function createRateWindows(db: Db) {
  const bump = db.prepare<[{ key: string; start: number }], { hits: number }>(
    `INSERT INTO rate_windows (key, window_start, hits) VALUES (@key, @start, 1)
     ON CONFLICT (key) DO UPDATE SET
       hits = CASE WHEN rate_windows.window_start = @start THEN rate_windows.hits + 1 ELSE 1 END,
       window_start = @start
     RETURNING hits`,
  );
  // A spent proof's row keeps its expiry as window_start: the sweep drops it a day after.
  const spend = db.prepare<[{ key: string; until: number }], { hits: number }>(
    `INSERT INTO rate_windows (key, window_start, hits) VALUES (@key, @until, 1)
     ON CONFLICT (key) DO NOTHING RETURNING hits`,
  );
  const sweep = db.prepare<[number]>('DELETE FROM rate_windows WHERE window_start < ?');
  let swept = 0;
  return {
    hit(key: string, limit: number, windowMs: number, now: Date): boolean {
      const t = now.getTime();
      const start = t - (t % windowMs);
      if (t - swept >= SWEEP_EVERY_MS) {
        swept = t;
        // Windows that ended over a day ago: no limit here counts that far back.
        sweep.run(start - Math.max(windowMs, 24 * 3600_000));
      }
      return bump.get({ key, start })!.hits <= limit;
    },
    spendOnce(key: string, until: Date): boolean {
      return spend.get({ key, until: until.getTime() }) !== undefined;
    },
  };
}
