// Request pacing under the provider's limit: at most `limit` request ARRIVALS in any sliding
// window of `windowMs`. The setting gives the first guess; every answer's rate-limit headers
// then say what the provider counts (its limit, its window, how soon its oldest counted request
// leaves the window), and the pacer follows them.
//
// Starts are spaced evenly ((window + margin) / limit), on a fixed schedule so a late timer
// does not cost throughput, and no start comes sooner than window + margin after the start
// `limit` places before it: what the provider counts, so catching up never overruns it.
// A start is not an arrival, so three things keep the two close:
// - a ticket is handed out `leadMs` before its slot: the caller records the attempt and builds
//   the body in that time, and the transport waits for the slot (`until`) only to write it, so
//   none of that varying work lies between slot and arrival;
// - the transport says when the bytes really went out (`wrote`: after a TCP or TLS handshake,
//   say), and that time is what later starts are spaced from;
// - after an answer that says the window is full, the next start waits at least as long as
//   the provider said its oldest request needs to leave (`ratelimit-reset`, when it is given
//   finer than whole seconds).
// A 429 did not count against the window: its retry takes the freed moment at once, ahead of
// the queue (`retake`), so one miss costs milliseconds, not a slot; the margin widens so the
// same jitter does not miss again.
//
// The provider's limit is per team, so other processes (every server's mail worker) draw on
// the same window. With `shared`, each start also takes a slot of the budget they all share
// (the database's provider_slots row) when its ticket is due, never further ahead: the local
// schedule stays what it was as long as nobody else took that moment, and moves behind the
// shared slot when someone did. What the pacer learns (its spacing, a 429's hold) it writes
// back, so every process follows the latest word from the provider.
import type { Clock, Pacer, PacerOptions, Ticket } from './pacer-face.ts';
import { sleep } from './pacer-face.ts';
import type { RateInfo } from './transport.ts';

/** Slack per window before anything is learned: the spacing is (window + margin) / limit. */
export const PACE_MARGIN_MS = 12;
/** How long before its slot a ticket is handed out, for the work before the write. */
export const PACE_LEAD_MS = 40;
/** A 429 widens the margin by at least this much, up to MAX_MARGIN_MS. */
const MARGIN_STEP_MS = 8;
const MAX_MARGIN_MS = 100;
/** Kept above the largest squeeze seen (see `squeezed`). */
const SQUEEZE_SLACK_MS = 4;
const DEFAULT_WINDOW_MS = 1000;
/** Starts remembered: enough for any limit the window can hold at these rates. */
const KEPT_STARTS = 64;
/**
 * A shared slot this close after the one asked for counts as the one asked for: the clocks of
 * the budget and the pacer are read a moment apart, so the schedule does not drift by that.
 */
const SHARED_SLACK_MS = 2;
/**
 * With a shared budget, a request woken this late after its slot takes a fresh one instead
 * (at most MAX_RETAKES times): half the lag a mail worker's slot allows (shared-budget.ts).
 */
const LATE_SLOT_MS = 15;
const MAX_RETAKES = 3;

export function createPacer(opts: PacerOptions, clock: Clock = { now: Date.now }): Pacer {
  // The setting is "per second"; a fractional one (0.5/s) is one request per two seconds.
  let limit = Math.max(1, Math.round(opts.perSecond));
  let windowMs = (DEFAULT_WINDOW_MS * limit) / opts.perSecond;
  let marginMs = opts.marginMs ?? PACE_MARGIN_MS;
  const leadMs = opts.leadMs ?? PACE_LEAD_MS;
  const interval = () => (windowMs + marginMs) / limit;
  const { shared } = opts;
  let told = Number.NaN;
  /** Tell the shared budget the spacing when it changed since it was last told. */
  const tell = () => {
    if (!shared || interval() === told) return;
    told = interval();
    shared.learned(told);
  };
  // What the provider counts, as we can see it: the tickets of requests started, oldest first.
  const counted: Ticket[] = [];
  const written = new WeakSet<Ticket>();
  const count = (t: Ticket) => {
    let k = counted.length;
    while (k > 0 && counted[k - 1]!.at > t.at) k--;
    counted.splice(k, 0, t);
    if (counted.length > KEPT_STARTS) counted.splice(0, counted.length - KEPT_STARTS);
  };
  const uncount = (t: Ticket) => {
    const k = counted.indexOf(t);
    if (k >= 0) counted.splice(k, 1);
  };
  /** The earliest start the window allows after the `upTo` first counted tickets. */
  const floor = (upTo = counted.length) =>
    upTo >= limit ? counted[upTo - limit]!.at + windowMs + marginMs : 0;
  let slot = Number.NEGATIVE_INFINITY;
  let heldUntil = 0;
  // What one answer said about the next arrival only: it delays that start, not the schedule.
  let nextNotBefore = 0;
  const holdUntil = (at: number) => {
    heldUntil = Math.max(heldUntil, at);
  };
  const learn = (rate: RateInfo | undefined) => {
    if (!rate) return;
    if (rate.limit >= 1 && rate.limit !== limit) {
      limit = rate.limit;
      windowMs = DEFAULT_WINDOW_MS;
    }
    // The only request in its window: its reset is the whole window.
    if (rate.remaining === rate.limit - 1 && rate.resetMs > 0) {
      windowMs = rate.resetMs;
    }
  };
  // Told finely, an answer also says how far apart the provider saw this request and the
  // oldest it still counts (window - reset). When that is closer than we sent them, arrivals
  // jitter by the difference (a busy machine, a busy network): the margin must cover it
  // before it costs a 429.
  // Only requests whose bytes went out count here: a ticket still waiting for its slot has
  // not arrived anywhere. A squeeze past the largest margin is a miscount (answers overtaking
  // each other after a stall), not jitter, and is left to the 429 it would cause.
  const squeezed = (ticket: Ticket, rate: RateInfo | undefined) => {
    if (!rate || rate.resetMs % 1000 === 0 || rate.remaining >= rate.limit - 1) return;
    if (!written.has(ticket)) return;
    let before = rate.limit - 1 - rate.remaining;
    let k = counted.indexOf(ticket);
    while (k > 0 && before > 0) if (written.has(counted[--k]!)) before--;
    if (before > 0 || k < 0) return;
    const squeeze = ticket.at - counted[k]!.at - (windowMs - rate.resetMs);
    if (squeeze + SQUEEZE_SLACK_MS > marginMs && squeeze <= MAX_MARGIN_MS) {
      marginMs = Math.min(MAX_MARGIN_MS, squeeze + SQUEEZE_SLACK_MS);
    }
  };
  /** Sleep until `earliest()` minus the lead has come; re-read after each wake. */
  const waitFor = async (earliest: () => number, signal?: AbortSignal): Promise<number> => {
    for (;;) {
      const at = earliest();
      // Timers may fire a millisecond early; a start is never before its slot's lead.
      const t = clock.now();
      if (t >= at - leadMs) {
        signal?.throwIfAborted();
        return at;
      }
      await sleep(at - leadMs - t, signal);
    }
  };

  /**
   * The shared slot for a start the pacer would make at `at`: `at` itself unless another
   * process took that moment (or a 429 held everyone), then the shared slot, waited for.
   */
  const sharedSlot = async (
    at: number,
    local: () => number,
    signal?: AbortSignal,
  ): Promise<{ at: number; moved: boolean }> => {
    if (!shared) return { at, moved: false };
    const got = await shared.reserve(at, interval());
    if (got <= at + SHARED_SLACK_MS) return { at, moved: false };
    return { at: await waitFor(() => Math.max(got, local()), signal), moved: true };
  };

  // Takers queue, so each slot is computed from the slot before it.
  let queue: Promise<unknown> = Promise.resolve();
  const turn = async (signal?: AbortSignal): Promise<Ticket> => {
    const scheduled = slot + interval();
    const local = () => Math.max(floor(), nextNotBefore, heldUntil, clock.now());
    const { at, moved } = await sharedSlot(
      await waitFor(() => Math.max(scheduled, local()), signal),
      local,
      signal,
    );
    // A late start (a busy machine, a slow caller) keeps the schedule where it was, so the
    // next slots catch up as far as the window floor allows; a hold moves it, and so does
    // falling a whole window behind (nothing to catch up: the sender was idle), and so does
    // a shared slot another process had taken.
    const behind = at - scheduled > windowMs;
    nextNotBefore = 0;
    slot = moved || at === heldUntil || behind ? at : scheduled;
    const ticket = { at };
    count(ticket);
    return ticket;
  };
  return {
    take(signal) {
      const mine = queue.then(() => turn(signal));
      queue = mine.catch(() => undefined);
      return mine;
    },
    async until(ticket) {
      for (let retaken = 0; ; ) {
        const k = counted.indexOf(ticket);
        const at = Math.max(ticket.at, heldUntil, k >= 0 ? floor(k) : 0);
        const t = clock.now();
        if (t < at) {
          await sleep(at - t);
          continue;
        }
        // Woken well past a shared slot (the machine stalled): written now, it would land on
        // the slots other processes took after it. A fresh slot from the budget is spaced from
        // the last one anyone took; it costs an interval, a 429 a second.
        if (!shared || t - at <= LATE_SLOT_MS || retaken++ >= MAX_RETAKES) return;
        const got = await shared.reserve(t, interval());
        uncount(ticket);
        ticket.at = got;
        count(ticket);
      }
    },
    wrote(ticket, at) {
      uncount(ticket);
      ticket.at = at;
      count(ticket);
      written.add(ticket);
    },
    unused: uncount,
    observe(ticket, rate) {
      learn(rate);
      squeezed(ticket, rate);
      tell();
      // A full window, reported finely: the next arrival must come after its oldest leaves.
      if (rate && rate.remaining <= 0 && rate.resetMs % 1000 !== 0) {
        nextNotBefore = Math.max(nextNotBefore, ticket.at + rate.resetMs + marginMs / 2);
      }
    },
    limited(ticket, retryAfterMs, rate) {
      learn(rate);
      uncount(ticket);
      // Told finely, retry-after is how early the request arrived: widen by that much (within
      // reason), so the same jitter does not miss again.
      const early = rate && rate.resetMs % 1000 !== 0 ? retryAfterMs : 0;
      marginMs = Math.min(MAX_MARGIN_MS, marginMs + Math.max(MARGIN_STEP_MS, early / 2));
      holdUntil(clock.now() + retryAfterMs + marginMs / 2);
      tell();
      shared?.hold(heldUntil, interval());
    },
    async retake(signal) {
      // Spaced from what has started by now; a ticket already out for a later slot is
      // spaced from this one in its own `until`.
      const started = () => {
        const t = clock.now();
        let k = counted.length;
        while (k > 0 && counted[k - 1]!.at > t) k--;
        return k;
      };
      const local = () => Math.max(floor(started()), heldUntil, clock.now());
      const { at } = await sharedSlot(await waitFor(local, signal), local, signal);
      const ticket = { at };
      count(ticket);
      return ticket;
    },
    holdUntil,
    get intervalMs() {
      return interval();
    },
    get limit() {
      return limit;
    },
    get windowMs() {
      return windowMs;
    },
    get marginMs() {
      return marginMs;
    },
  };
}
