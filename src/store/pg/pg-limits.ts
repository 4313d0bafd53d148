// The public site's rate limits on PostgreSQL: see ../rate-windows.ts. One upsert per hit, so
// concurrent servers counting one key serialise on its row.
import type { LimitsRepo } from '../face.ts';
import { changes, one, type Queryable } from './queryable.ts';

const SWEEP_EVERY_MS = 60_000;

export function createPgLimits(q: Queryable): LimitsRepo {
  let swept = 0;
  return {
    async hit(key, limit, windowMs, now) {
      const t = now.getTime();
      const start = t - (t % windowMs);
      if (t - swept >= SWEEP_EVERY_MS) {
        swept = t;
        await changes(q, 'DELETE FROM rate_windows WHERE window_start < $1', [
          start - Math.max(windowMs, 24 * 3600_000),
        ]);
      }
      const r = await one<{ hits: number }>(
        q,
        `INSERT INTO rate_windows AS w (key, window_start, hits) VALUES ($1, $2, 1)
         ON CONFLICT (key) DO UPDATE SET
           hits = CASE WHEN w.window_start = $2 THEN w.hits + 1 ELSE 1 END,
           window_start = $2
         RETURNING hits`,
        [key, start],
      );
      return (r?.hits ?? 1) <= limit;
    },
    async spendOnce(key, until) {
      const r = await one<{ hits: number }>(
        q,
        `INSERT INTO rate_windows (key, window_start, hits) VALUES ($1, $2, 1)
         ON CONFLICT (key) DO NOTHING RETURNING hits`,
        [key, until.getTime()],
      );
      return r !== undefined;
    },
  };
}
