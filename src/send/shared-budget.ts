// The provider's rate limit is per team: the weekly sender and the mail worker of every server
// draw on one window. They coordinate through the store's provider budget (one row: the next
// free request slot and the spacing), each taking a slot just before each request, never
// ahead of need, so a confirmation queued in the middle of a long send waits about one
// interval, and the send is pushed back by one interval per confirmation. The sender's pacer
// keeps its fine local timing and takes its slot through `sharedSlots`; a mail worker waits
// through `mailSlots`. What anyone learns from the provider (its limit, a 429's retry-after)
// goes back to the row for everyone.
import type { ProviderBudgetRepo } from '../store/index.ts';
import { PACE_MARGIN_MS } from './pace.ts';
import { type Clock, type SharedSlots, sleep } from './pacer-face.ts';
import type { RateInfo } from './transport.ts';

/** The budget of the Resend team this newsletter sends through. */
export const RESEND_BUDGET = 'resend';
/**
 * How late after its slot a mail worker's request may arrive: it goes through the SDK's fetch
 * (serialised and written when the event loop gets to it), not written at its slot as the
 * sender's batches are. The slot after a mail slot is this much later, so that lag never puts
 * one request too many in the provider's window; a 429 widens it.
 */
export const MAIL_LAG_MS = 30;
const MAIL_LAG_STEP_MS = 10;
const MAX_MAIL_LAG_MS = 100;
/** A slot missed by more than its lag (the process stalled) is given up for a fresh one. */
const MAX_RETAKES = 3;

/** The spacing a pacer starts from at `perSecond` (see pace.ts), before any answer. */
export function startingIntervalMs(perSecond: number, marginMs = PACE_MARGIN_MS): number {
  const limit = Math.max(1, Math.round(perSecond));
  return ((1000 * limit) / perSecond + marginMs) / limit;
}

export type BudgetOptions = {
  /** RESEND_RATE_LIMIT: the spacing of a budget nobody has used yet. */
  perSecond: number;
  name?: string;
};

/** Writes nobody waits for (a hold, a learned interval): a failure is the next write's to fix. */
const quietly = (p: Promise<unknown>) => void p.catch(() => undefined);

/** The shared budget as the sender's pacer takes it. */
export function sharedSlots(
  repo: ProviderBudgetRepo,
  opts: BudgetOptions,
  clock: Clock = { now: Date.now },
): SharedSlots {
  const name = opts.name ?? RESEND_BUDGET;
  return {
    async reserve(earliest, intervalMs) {
      const t = clock.now();
      const slot = await repo.take(name, { intervalMs, notBeforeMs: earliest - t });
      return t + slot.waitMs;
    },
    hold(until, intervalMs) {
      quietly(repo.hold(name, until - clock.now(), intervalMs));
    },
    learned(intervalMs) {
      quietly(repo.setInterval(name, intervalMs));
    },
  };
}

export type MailSlots = {
  /** Resolves at a slot of the shared budget taken now; rejects when the signal aborts. */
  wait(signal?: AbortSignal): Promise<void>;
  /** The provider answered 429: nobody starts for `retryAfterMs`, and the spacing widens. */
  limited(retryAfterMs: number, rate?: RateInfo): Promise<void>;
};

/** The shared budget as a mail worker takes it: one slot per email. */
export function mailSlots(
  repo: ProviderBudgetRepo,
  opts: BudgetOptions,
  clock: Clock = { now: Date.now },
): MailSlots {
  const name = opts.name ?? RESEND_BUDGET;
  let known = startingIntervalMs(opts.perSecond);
  let lagMs = MAIL_LAG_MS;
  return {
    async wait(signal) {
      for (let taken = 0; ; taken++) {
        signal?.throwIfAborted();
        const t = clock.now();
        const slot = await repo.take(name, { intervalMs: known, lagMs });
        known = slot.intervalMs;
        await sleep(slot.waitMs, signal);
        // Woken well past the slot (a stalled process): sent now, it would crowd the slots
        // others took after it. A fresh one costs an interval; a 429 costs a second.
        if (clock.now() - (t + slot.waitMs) <= lagMs / 2 || taken >= MAX_RETAKES) return;
      }
    },
    async limited(retryAfterMs, rate) {
      await repo.hold(name, retryAfterMs, known);
      // The request arrived inside a full window: this worker's requests lag more than it
      // allowed for. A limit the provider reports that the spacing does not follow is learned.
      lagMs = Math.min(MAX_MAIL_LAG_MS, lagMs + MAIL_LAG_STEP_MS);
      if (rate && rate.limit >= 1 && Math.round(1000 / known) !== rate.limit) {
        known = Math.max(known, startingIntervalMs(rate.limit));
        await repo.setInterval(name, known);
      }
    },
  };
}
