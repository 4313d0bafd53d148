// Sends what the mail queue holds, after the request that queued it has been answered. The
// route only writes a row and calls wake(); this drains the queue one email at a time, so a
// slow or failing provider never shows in an answer's timing, and a restart (start()) sends
// whatever a crash left behind. A poll also picks up rows other processes queued or retries.
// With `slots` (Resend: the limit is the team's), every email first takes a request slot from
// the budget the weekly sender and every other server share, and waits for it.
import type { Logger } from '../../log.ts';
import type { SendMetrics } from '../../metrics.ts';
import { backoffMs, type MailSlots, type OutgoingEmail, type Transport } from '../../send/index.ts';
import type { MailKind, MailQueueRepo, QueuedMail } from '../../store/index.ts';

/**
 * What to send for one queued row, or why there is nothing to send any more. `idempotencyKey`
 * (default `mail-<row id>`) and `onGiveUp` (the email will not be sent: refused, or out of
 * attempts) are the kind's own.
 */
export type Composed =
  | { email: OutgoingEmail; idempotencyKey?: string; onGiveUp?: () => Promise<void> }
  | { skip: string };

export type MailWorkerSettings = {
  /** How often the queue is looked at without a wake(). */
  pollMs: number;
  /** A row `sending` this long belongs to a process that died: take it again. */
  staleMs: number;
  /** Attempts per email before it is marked failed. */
  maxAttempts: number;
  retryBaseMs: number;
  retryCapMs: number;
};

export type MailWorkerOptions = MailWorkerSettings & {
  queue: MailQueueRepo;
  transport: () => Transport;
  compose: (mail: QueuedMail) => Promise<Composed>;
  now: () => Date;
  logger: Logger;
  /** 429s and retries, for the process's metrics. */
  metrics?: SendMetrics;
  /** The provider's request budget shared with every process on the database; none: unpaced. */
  slots?: MailSlots;
  /** stop() waits this long for a send in flight, then gives its row back anyway (default 5 s). */
  stopGraceMs?: number;
};

export type MailWorker = {
  /** Something was queued: drain soon (never on the caller's stack). */
  wake(): void;
  /** Drain what is already queued, then poll. */
  start(): void;
  /** Resolves once no drain is running or asked for (tests wait on it). */
  idle(): Promise<void>;
  /**
   * Stop polling, abort a send in flight and wait for the drain (at most stopGraceMs). A row
   * claimed and not sent goes back to `queued`, due at once: the next start (this process or
   * another) takes it without waiting for it to go stale.
   */
  stop(): Promise<void>;
};

const LABEL: Record<MailKind, string> = { confirm: 'confirmation', welcome: 'welcome' };

export function createMailWorker(opts: MailWorkerOptions): MailWorker {
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  /** The row claimed and not yet finished, if any. */
  let current: QueuedMail | undefined;
  const abort = new AbortController();
  /** Give a claimed row back: queued, due now (the attempt it used is not refunded). */
  const release = (mail: QueuedMail, why: string) =>
    opts.queue.retryAt(mail.id, opts.now(), `${why} (stopped)`);

  const sendOne = async (mail: QueuedMail) => {
    const label = LABEL[mail.kind];
    const fields = { mailId: mail.id, subscriberId: mail.subscriberId, attempt: mail.attempts };
    const composed = await opts.compose(mail);
    if ('skip' in composed) {
      await opts.queue.skipped(mail.id, composed.skip, opts.now());
      opts.logger.info(`${label} email skipped`, { ...fields, reason: composed.skip });
      return;
    }
    const idempotencyKey = composed.idempotencyKey ?? `mail-${mail.id}`;
    // Aborted by stop(): the row goes back (drain's catch).
    await opts.slots?.wait(abort.signal);
    const sent = await opts
      .transport()
      .sendOne(composed.email, { idempotencyKey, signal: abort.signal });
    const now = opts.now();
    if (sent.ok) {
      await opts.queue.sent(mail.id, sent.value.id, now);
      opts.logger.info(`${label} email sent`, fields);
      return;
    }
    const f = sent.error;
    const why = `${f.kind}: ${f.name}`;
    if (stopped) return await release(mail, why);
    if (f.kind === 'rejected' || mail.attempts >= opts.maxAttempts) {
      await opts.queue.failed(mail.id, why, now);
      await composed.onGiveUp?.();
      opts.logger.error(`${label} email not sent`, { ...fields, failure: f.kind, reason: f.name });
      return;
    }
    if (f.kind === 'rate_limited') {
      opts.metrics?.rateLimited();
      await opts.slots?.limited(f.retryAfterMs, f.rate);
    }
    opts.metrics?.retried(f.kind);
    // A 429 under the shared budget held every taker past its retry-after: the row is due at
    // once, and its next slot comes after the hold.
    const waitMs =
      f.kind === 'rate_limited'
        ? opts.slots
          ? 0
          : f.retryAfterMs
        : backoffMs(mail.attempts, { baseMs: opts.retryBaseMs, capMs: opts.retryCapMs });
    await opts.queue.retryAt(mail.id, new Date(now.getTime() + waitMs), why);
    opts.logger.warn(`${label} email retried later`, { ...fields, failure: f.kind, waitMs });
  };

  const drain = async () => {
    do {
      again = false;
      for (;;) {
        if (stopped) return;
        const now = opts.now();
        const mail = await opts.queue.claim(now, new Date(now.getTime() - opts.staleMs));
        if (!mail) break;
        current = mail;
        try {
          await sendOne(mail);
        } catch (e) {
          const why = `error: ${(e as Error).message}`;
          // Stopping (the send aborted by throwing): the row goes back at once.
          if (stopped) {
            await release(mail, why);
            continue;
          }
          // A bug (a broken template, say): keep the row, retry it like a provider error.
          opts.logger.error('mail queue failed', { mailId: mail.id, error: (e as Error).message });
          const t = opts.now();
          opts.metrics?.retried('error');
          if (mail.attempts >= opts.maxAttempts) await opts.queue.failed(mail.id, why, t);
          else await opts.queue.retryAt(mail.id, new Date(t.getTime() + opts.retryCapMs), why);
        } finally {
          current = undefined;
        }
      }
    } while (again);
  };

  const kick = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    // setImmediate: never on the waking request's stack; its answer waits for none of this.
    running = new Promise<void>((resolve) => setImmediate(resolve))
      .then(drain)
      .catch((e: Error) => opts.logger.error('mail queue failed', { error: e.message }))
      .finally(() => {
        running = undefined;
        if (again) kick();
      });
  };

  return {
    wake: kick,
    start() {
      kick();
      timer ??= setInterval(kick, opts.pollMs).unref();
    },
    async idle() {
      while (running) await running;
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      abort.abort();
      const drained = (async () => {
        while (running) await running;
        return true;
      })();
      let bound: NodeJS.Timeout | undefined;
      const late = new Promise<false>((resolve) => {
        bound = setTimeout(() => resolve(false), opts.stopGraceMs ?? 5_000);
      });
      const finished = await Promise.race([drained, late]);
      clearTimeout(bound);
      if (finished || !current) return;
      // A transport that ignores the abort: give its row back now. Should the send still go
      // out, the next one carries the same idempotency key (mail-<id>): one delivery.
      const mail = current;
      opts.logger.warn('mail queue stopped mid-send', { mailId: mail.id });
      await release(mail, 'send did not finish in time').catch((e: Error) =>
        opts.logger.error('mail queue failed', { mailId: mail.id, error: e.message }),
      );
    },
  };
}
