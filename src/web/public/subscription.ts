// Double opt-in and opting out, apart from HTTP. Every decision reads the subscriber's current
// state; state changes only through the POST handlers that call confirm/unsubscribe/resubscribe.
import { err, ok, type Result } from '../../result.ts';
import { mailboxKey, normaliseEmail, type Subscriber } from '../../store/index.ts';
import { verifyToken } from '../../tokens.ts';
import type { PublicDeps } from './deps.ts';

export type RequestOutcome = 'queued' | 'mailbox_capped' | 'site_capped' | 'active' | 'suppressed';
export type LinkProblem =
  | 'invalid'
  | 'expired'
  | 'stale'
  | 'suppressed'
  /** The resubscribe button on an address that never confirmed: it has no way back to skip to. */
  | 'never_confirmed'
  /** A vote link of a reader who has since left (or bounced): their vote no longer counts. */
  | 'not_subscribed';

export const validEmail = (raw: string | undefined) => normaliseEmail(raw ?? '');

/**
 * Store the address as pending (when new) and queue one confirmation email, unless a cap says
 * no. Nothing is sent here: the queue's worker sends after the answer, so the answer's bytes
 * and timing are the same for new, pending, active, suppressed and capped addresses. The
 * caps are counted and the row queued in one IMMEDIATE transaction, so racing requests (or
 * several serve processes on one database) cannot both slip under a cap.
 */
export function requestConfirmation(
  deps: PublicDeps,
  email: string,
  name: string | null,
): RequestOutcome {
  const now = deps.now();
  const { limits, mailQueue } = deps;
  const outcome = deps.db
    .transaction((): RequestOutcome => {
      // A suppressed or forgotten address is never stored or mailed again.
      if (deps.suppressions.has(email)) return 'suppressed';
      let s = deps.subscribers.getByEmail(email);
      if (!s) {
        const added = deps.subscribers.add(email, { name, source: 'form', now });
        if (!added.ok) return 'suppressed'; // invalid address: validated before, so never
        s = added.value;
      }
      if (s.status === 'active') return 'active';
      if (s.status === 'bounced' || s.status === 'complained') return 'suppressed';
      const mailbox = mailboxKey(s.email);
      const daySince = new Date(now.getTime() - limits.confirmMailboxWindowMs);
      if (mailQueue.countForMailbox('confirm', mailbox, daySince) >= limits.confirmPerMailbox)
        return 'mailbox_capped';
      const hourSince = new Date(now.getTime() - 3600_000);
      if (mailQueue.countSince('confirm', hourSince) >= limits.confirmPerHour) return 'site_capped';
      mailQueue.enqueue('confirm', s.id, mailbox, now);
      deps.subscribers.markConfirmSent(s.id, now);
      return 'queued';
    })
    .immediate();
  if (outcome === 'queued') deps.mail.wake();
  // The site cap being hit is the operator's business (an attack, or a cap set too low).
  if (outcome === 'site_capped') deps.logger.warn('confirmation email capped', { cap: 'hour' });
  return outcome;
}

export const linkContext = (deps: Pick<PublicDeps, 'config'>) => ({
  baseUrl: deps.config.PUBLIC_BASE_URL,
  secret: deps.config.TOKEN_SECRET,
});

const subscriberOf = (
  deps: PublicDeps,
  purpose: 'confirm' | 'unsubscribe',
  token: string,
): Result<{ subscriber: Subscriber; expiresAt: number }, LinkProblem> => {
  const v = verifyToken(deps.config.TOKEN_SECRET, purpose, token, deps.now());
  if (!v.ok) return err(v.error === 'expired' ? 'expired' : 'invalid');
  const id = Number(v.value.subject);
  const subscriber = Number.isSafeInteger(id) ? deps.subscribers.getById(id) : undefined;
  return subscriber ? ok({ subscriber, expiresAt: v.value.expiresAt }) : err('invalid');
};

/**
 * May this confirmation link activate its subscriber? Not after a bounce or complaint, and not
 * when the reader unsubscribed after the link was sent (an old link must not undo an opt-out).
 */
export function checkConfirm(deps: PublicDeps, token: string): Result<Subscriber, LinkProblem> {
  const found = subscriberOf(deps, 'confirm', token);
  if (!found.ok) return found;
  const { subscriber: s, expiresAt } = found.value;
  if (s.status === 'bounced' || s.status === 'complained') return err('suppressed');
  if (deps.suppressions.has(s.email)) return err('suppressed');
  const issuedAt = expiresAt * 1000 - deps.limits.confirmTtlMs;
  if (s.status === 'unsubscribed' && s.unsubscribedAt && Date.parse(s.unsubscribedAt) > issuedAt)
    return err('stale');
  return ok(s);
}

/**
 * Activate the reader. `name` is what the mailbox owner submitted on the confirm page: it
 * replaces what the subscribe form stored, which anyone could have typed for this address
 * (and the weekly issue greets the reader by it).
 */
export function confirm(
  deps: PublicDeps,
  token: string,
  name: string | null,
): Result<Subscriber, LinkProblem> {
  return deps.db
    .transaction((): Result<Subscriber, LinkProblem> => {
      const check = checkConfirm(deps, token);
      if (!check.ok || check.value.status === 'active') return check;
      const now = deps.now();
      deps.subscribers.setName(check.value.id, name, now);
      return ok(deps.subscribers.setStatus(check.value.id, 'active', now)!);
    })
    .immediate();
}

export function checkUnsubscribe(deps: PublicDeps, token: string): Result<Subscriber, LinkProblem> {
  const found = subscriberOf(deps, 'unsubscribe', token);
  return found.ok ? ok(found.value.subscriber) : err(found.error);
}

/**
 * Opt out at once. A bounced or complained address keeps that (stricter) status. `issue` is
 * the week whose link was used: the report counts the opt-out against that issue.
 */
export function unsubscribe(
  deps: PublicDeps,
  token: string,
  issue?: string,
): Result<Subscriber, LinkProblem> {
  return deps.db
    .transaction((): Result<Subscriber, LinkProblem> => {
      const check = checkUnsubscribe(deps, token);
      if (!check.ok) return check;
      const s = check.value;
      if (s.status !== 'active' && s.status !== 'pending') return ok(s);
      if (issue) deps.hygiene.recordChange(issue, s.id, 'unsubscribed', deps.now());
      return ok(deps.subscribers.setStatus(s.id, 'unsubscribed', deps.now())!);
    })
    .immediate();
}

/** Can the unsubscribe page's "resubscribe" button re-activate this reader directly? */
export const canResubscribe = (s: Subscriber) =>
  s.status === 'unsubscribed' && s.confirmedAt !== null;

/**
 * The way back: the unsubscribe token proves the reader received our mail at this address, and
 * the address was confirmed before, so it is re-activated without a second confirmation.
 */
export function resubscribe(deps: PublicDeps, token: string): Result<Subscriber, LinkProblem> {
  return deps.db
    .transaction((): Result<Subscriber, LinkProblem> => {
      const check = checkUnsubscribe(deps, token);
      if (!check.ok) return check;
      const s = check.value;
      if (s.status === 'active') return ok(s);
      if (s.status === 'bounced' || s.status === 'complained') return err('suppressed');
      if (deps.suppressions.has(s.email)) return err('suppressed');
      if (!canResubscribe(s)) return err('never_confirmed');
      return ok(deps.subscribers.setStatus(s.id, 'active', deps.now())!);
    })
    .immediate();
}
