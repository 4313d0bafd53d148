// The provider's request budget on PostgreSQL: see ../provider-budget.ts. Several hosts share
// it, so slots are on the database's clock (clock_timestamp(), in ms), handed out as a wait
// from the moment the statement ran. Taking is one upsert: concurrent takers serialise on the
// row's lock and each sees the slot the one before it left.
import type { ProviderBudgetRepo } from '../face.ts';
import { changes, one, type Queryable } from './queryable.ts';

const NOW_MS = `(extract(epoch FROM clock_timestamp()) * 1000)::float8`;

type SlotRow = { at_ms: number; now_ms: number; interval_ms: number };

const TAKE = `WITH c AS (SELECT ${NOW_MS} AS now_ms)
  INSERT INTO provider_slots AS p (name, next_at_ms, interval_ms, updated_at_ms)
  SELECT $1, c.now_ms + $2 + $3 + $4, $3, c.now_ms FROM c
  ON CONFLICT (name) DO UPDATE SET
    next_at_ms = GREATEST(p.next_at_ms, (SELECT now_ms FROM c) + $2) + p.interval_ms + $4,
    updated_at_ms = (SELECT now_ms FROM c)
  RETURNING p.next_at_ms - p.interval_ms - $4 AS at_ms, (SELECT now_ms FROM c) AS now_ms,
    p.interval_ms`;

export function createPgProviderBudget(q: Queryable): ProviderBudgetRepo {
  return {
    async take(name, opts) {
      const r = (await one<SlotRow>(q, TAKE, [
        name,
        Math.max(0, opts.notBeforeMs ?? 0),
        opts.intervalMs,
        Math.max(0, opts.lagMs ?? 0),
      ]))!;
      return {
        atMs: r.at_ms,
        waitMs: Math.max(0, r.at_ms - r.now_ms),
        intervalMs: r.interval_ms,
      };
    },
    async hold(name, ms, intervalMs) {
      await changes(
        q,
        `INSERT INTO provider_slots AS p (name, next_at_ms, interval_ms, updated_at_ms)
         VALUES ($1, ${NOW_MS} + $2, $3, ${NOW_MS})
         ON CONFLICT (name) DO UPDATE SET
           next_at_ms = GREATEST(p.next_at_ms, excluded.next_at_ms),
           updated_at_ms = excluded.updated_at_ms`,
        [name, Math.max(0, ms), intervalMs],
      );
    },
    async setInterval(name, intervalMs) {
      await changes(
        q,
        `INSERT INTO provider_slots AS p (name, next_at_ms, interval_ms, updated_at_ms)
         VALUES ($1, 0, $2, ${NOW_MS})
         ON CONFLICT (name) DO UPDATE SET interval_ms = excluded.interval_ms,
           updated_at_ms = excluded.updated_at_ms`,
        [name, intervalMs],
      );
    },
    async state(name) {
      const r = await one<{ next_at_ms: number; interval_ms: number; now_ms: number }>(
        q,
        `SELECT next_at_ms, interval_ms, ${NOW_MS} AS now_ms FROM provider_slots WHERE name = $1`,
        [name],
      );
      return r && { nextAtMs: r.next_at_ms, intervalMs: r.interval_ms, nowMs: r.now_ms };
    },
  };
}
