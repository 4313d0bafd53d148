// What the pacer (pace.ts) hands out and takes: its tickets, its face to the sender and the
// transport, the shared budget it may draw on, and the abortable sleep every wait uses.
import type { RateInfo } from './transport.ts';

export type Clock = { now: () => number };

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    if (ms <= 0) return resolve();
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** One request's place: its slot when handed out, then when its bytes went out. */
export type Ticket = { at: number };

export type Pacer = {
  /** Wait for the next slot (resolving up to `leadMs` before it); rejects when the signal aborts. */
  take(signal?: AbortSignal): Promise<Ticket>;
  /** Resolves at the ticket's slot (later if a 429 or the window says so). Not abortable: the attempt is recorded by then. */
  until(ticket: Ticket): Promise<void>;
  /** The request's bytes went out at `at`: later starts are spaced from that. */
  wrote(ticket: Ticket, at: number): void;
  /** The ticket was not used (nothing to send): it counts for nothing. */
  unused(ticket: Ticket): void;
  /** The answer to this ticket's request carried these rate-limit headers. */
  observe(ticket: Ticket, rate: RateInfo | undefined): void;
  /** The request was refused with a 429: it did not count; nothing starts for `retryAfterMs`. */
  limited(ticket: Ticket, retryAfterMs: number, rate: RateInfo | undefined): void;
  /** A slot for the refused request's retry, ahead of the queue, as soon as the window allows. */
  retake(signal?: AbortSignal): Promise<Ticket>;
  /** No slot starts before `at`. */
  holdUntil(at: number): void;
  readonly intervalMs: number;
  readonly limit: number;
  readonly windowMs: number;
  readonly marginMs: number;
};

/** The request budget every process on the database shares (send/shared-budget.ts). */
export type SharedSlots = {
  /** Reserve the next shared slot at or after `earliest` (the pacer's clock); resolves with its time. */
  reserve(earliest: number, intervalMs: number): Promise<number>;
  /** A 429: nothing of anyone's starts before `until` (the pacer's clock). */
  hold(until: number, intervalMs: number): void;
  /** The spacing changed (learned from the headers, or widened by a 429): everyone follows it. */
  learned(intervalMs: number): void;
};

export type PacerOptions = {
  /** Requests per second until the provider says otherwise (RESEND_RATE_LIMIT). */
  perSecond: number;
  marginMs?: number;
  leadMs?: number;
  /** Take every start's slot from this shared budget too (none: this process alone). */
  shared?: SharedSlots;
};
