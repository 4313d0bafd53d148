// The provider's request budget, shared by every process on the database: Resend's rate limit
// is per team, so the weekly sender and the mail worker of every server draw on one budget.
// One row per budget holds the next free request slot and the spacing every taker follows
// (the latest the provider's headers taught anyone); taking a slot is ONE statement that
// reserves it and moves the row on by the interval, so concurrent takers get distinct slots
// spaced by the interval, and a 429 pushes the row past its retry-after for everyone.
// Times are the database's clock (here: this host's, which every process on the file shares),
// handed out as a wait from now, so a taker on another clock still lands on its slot.
import type { Db } from './db.ts';

/** A reserved request slot: start the request `waitMs` from now (0: at once). */
export type ProviderSlot = {
  /** The slot on the database's clock, ms since the epoch (what tests compare). */
  atMs: number;
  waitMs: number;
  /** The spacing the budget follows now. */
  intervalMs: number;
};

export type ProviderBudgetState = { nextAtMs: number; intervalMs: number; nowMs: number };

type SlotRow = { at_ms: number; interval_ms: number };

export function createProviderBudget(db: Db, clock: () => number = Date.now) {
  // A new row starts at the earliest moment asked for; an existing one hands out its next
  // slot, or the earliest moment when the row is behind it, and moves on by its interval.
  const take = db.prepare<
    [{ name: string; earliest: number; interval: number; lag: number; now: number }],
    SlotRow
  >(
    `INSERT INTO provider_slots (name, next_at_ms, interval_ms, updated_at_ms)
     VALUES (@name, @earliest + @interval + @lag, @interval, @now)
     ON CONFLICT (name) DO UPDATE SET
       next_at_ms = max(provider_slots.next_at_ms, @earliest) + provider_slots.interval_ms + @lag,
       updated_at_ms = @now
     RETURNING next_at_ms - interval_ms - @lag AS at_ms, interval_ms`,
  );
  const hold = db.prepare<[{ name: string; until: number; interval: number; now: number }]>(
    `INSERT INTO provider_slots (name, next_at_ms, interval_ms, updated_at_ms)
     VALUES (@name, @until, @interval, @now)
     ON CONFLICT (name) DO UPDATE SET
       next_at_ms = max(provider_slots.next_at_ms, @until), updated_at_ms = @now`,
  );
  const learn = db.prepare<[{ name: string; interval: number; now: number }]>(
    `INSERT INTO provider_slots (name, next_at_ms, interval_ms, updated_at_ms)
     VALUES (@name, 0, @interval, @now)
     ON CONFLICT (name) DO UPDATE SET interval_ms = @interval, updated_at_ms = @now`,
  );
  const select = db.prepare<[string], { next_at_ms: number; interval_ms: number }>(
    'SELECT next_at_ms, interval_ms FROM provider_slots WHERE name = ?',
  );
  return {
    /**
     * Reserve the next slot of `name`, not before `notBeforeMs` from now. `intervalMs` only
     * seeds a budget nobody has used yet; after that the row's (learned) interval holds. The
     * slot after it is `lagMs` later still (a taker whose request may arrive that late).
     */
    take(
      name: string,
      opts: { intervalMs: number; notBeforeMs?: number; lagMs?: number },
    ): ProviderSlot {
      const now = clock();
      const earliest = now + Math.max(0, opts.notBeforeMs ?? 0);
      const lag = Math.max(0, opts.lagMs ?? 0);
      const r = take.get({ name, earliest, interval: opts.intervalMs, lag, now })!;
      return { atMs: r.at_ms, waitMs: Math.max(0, r.at_ms - now), intervalMs: r.interval_ms };
    },
    /** The provider refused (429): no slot of `name` starts before `ms` from now, for anyone. */
    hold(name: string, ms: number, intervalMs: number): void {
      const now = clock();
      hold.run({ name, until: now + Math.max(0, ms), interval: intervalMs, now });
    },
    /** The spacing every taker of `name` follows from now on (learned from the provider). */
    setInterval(name: string, intervalMs: number): void {
      learn.run({ name, interval: intervalMs, now: clock() });
    },
    state(name: string): ProviderBudgetState | undefined {
      const r = select.get(name);
      return r && { nextAtMs: r.next_at_ms, intervalMs: r.interval_ms, nowMs: clock() };
    },
  };
}
