// Double opt-in and opting out, apart from HTTP. Every decision reads the subscriber's current
// state; state changes only through the POST handlers that call confirm/unsubscribe/resubscribe.
import { err, ok, type Result } from '../../result.ts';
import { mailboxKey, normaliseEmail, type StoreRepos, type Subscriber } from '../../store/index.ts';
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
 * Store the address as pending (when new, and with no name: whatever name the form carried was
 * typed by someone who may not own the mailbox) and queue one confirmation email, unless a cap
 * says no. Nothing is sent here: the queue's worker sends after the answer, so the answer's bytes
 * and timing are the same for new, pending, active, suppressed and capped addresses. The
 * caps are counted and the row queued in one unit of work under the caps' lock, so racing
 * requests (or several serve processes on one database) cannot both slip under a cap.
 *
 * The site's hourly cap comes first, before anything about the address is read, so that the
 * answer to a capped sign-up (the form asks for a proof of work: sign-up-proof.ts) says nothing
 * about the address. A `proven` sign-up is not held to it: a flood must not starve a reader.
 */
export async function requestConfirmation(
  deps: PublicDeps,
  email: string,
  opts: { proven?: boolean } = {},
): Promise<RequestOutcome> {
  const now = deps.now();
  const { limits } = deps;
  const outcome = await deps.atomically(CAPS_LOCK, async (tx): Promise<RequestOutcome> => {
    const hourSince = new Date(now.getTime() - 3600_000);
    if (
      !opts.proven &&
      (await tx.mailQueue.countSince('confirm', hourSince)) >= limits.confirmPerHour
    )
      return 'site_capped';
    // A suppressed or forgotten address is never stored or mailed again.
    if (await tx.suppressions.has(email)) return 'suppressed';
    let s = await tx.subscribers.getByEmail(email);
    if (!s) {
      const added = await tx.subscribers.add(email, { name: null, source: 'form', now });
      if (!added.ok) return 'suppressed'; // invalid address: validated before, so never
      s = added.value;
    }
    if (s.status === 'active') return 'active';
    if (s.status === 'bounced' || s.status === 'complained') return 'suppressed';
    const mailbox = mailboxKey(s.email);
    const daySince = new Date(now.getTime() - limits.confirmMailboxWindowMs);
    if (
      (await tx.mailQueue.countForMailbox('confirm', mailbox, daySince)) >= limits.confirmPerMailbox
    )
      return 'mailbox_capped';
    await tx.mailQueue.enqueue('confirm', s.id, mailbox, now);
    await tx.subscribers.markConfirmSent(s.id, now);
    return 'queued';
  });
  if (outcome === 'queued') deps.mail.wake();
  // The site cap being hit is the operator's business (an attack, or a cap set too low).
  if (outcome === 'site_capped') deps.logger.warn('confirmation email capped', { cap: 'hour' });
  if (outcome === 'site_capped') deps.metrics?.site.confirmCapped('hour');
  if (outcome === 'mailbox_capped') deps.metrics?.site.confirmCapped('mailbox');
  return outcome;
}

/** The lock the confirmation caps are counted under (every server on one database). */
export const CAPS_LOCK = 'confirm-caps';
/** The lock a reader's status changes take: one reader's links never race each other. */
const readerLock = (id: number) => `subscriber:${id}`;

export const linkContext = (deps: Pick<PublicDeps, 'config'>) => ({
  baseUrl: deps.config.PUBLIC_BASE_URL,
  secret: deps.config.TOKEN_SECRET,
});

type Found = { subscriber: Subscriber; expiresAt: number };
/** The token purposes that name one reader: their id is the token's subject. */
export type ReaderPurpose = 'confirm' | 'unsubscribe' | 'preferences';
type Repos = Pick<StoreRepos, 'subscribers' | 'suppressions'>;

/** The token's subject, before any read: a bad or expired link costs no query. */
const tokenSubject = (
  deps: PublicDeps,
  purpose: ReaderPurpose,
  token: string,
): Result<{ id: number; expiresAt: number }, LinkProblem> => {
  const v = verifyToken(deps.config.TOKEN_SECRET, purpose, token, deps.now());
  if (!v.ok) return err(v.error === 'expired' ? 'expired' : 'invalid');
  const id = Number(v.value.subject);
  return Number.isSafeInteger(id) ? ok({ id, expiresAt: v.value.expiresAt }) : err('invalid');
};

const subscriberOf = async (
  deps: PublicDeps,
  repos: Repos,
  purpose: ReaderPurpose,
  token: string,
): Promise<Result<Found, LinkProblem>> => {
  const subject = tokenSubject(deps, purpose, token);
  if (!subject.ok) return subject;
  const subscriber = await repos.subscribers.getById(subject.value.id);
  return subscriber ? ok({ subscriber, expiresAt: subject.value.expiresAt }) : err('invalid');
};

/** A unit of work on the token's reader, under that reader's lock; a bad token opens none. */
const onReader = async <T>(
  deps: PublicDeps,
  purpose: ReaderPurpose,
  token: string,
  fn: (tx: StoreRepos) => Promise<Result<T, LinkProblem>>,
): Promise<Result<T, LinkProblem>> => {
  const subject = tokenSubject(deps, purpose, token);
  if (!subject.ok) return subject;
  return deps.atomically(readerLock(subject.value.id), fn);
};

const confirmable = async (
  deps: PublicDeps,
  repos: Repos,
  token: string,
): Promise<Result<Subscriber, LinkProblem>> => {
  const found = await subscriberOf(deps, repos, 'confirm', token);
  if (!found.ok) return found;
  const { subscriber: s, expiresAt } = found.value;
  if (s.status === 'bounced' || s.status === 'complained') return err('suppressed');
  if (await repos.suppressions.has(s.email)) return err('suppressed');
  const issuedAt = expiresAt * 1000 - deps.limits.confirmTtlMs;
  if (s.status === 'unsubscribed' && s.unsubscribedAt && Date.parse(s.unsubscribedAt) > issuedAt)
    return err('stale');
  return ok(s);
};

/**
 * May this confirmation link activate its subscriber? Not after a bounce or complaint, and not
 * when the reader unsubscribed after the link was sent (an old link must not undo an opt-out).
 */
export const checkConfirm = (deps: PublicDeps, token: string) => confirmable(deps, deps, token);

/**
 * The stored name the confirm page may show its reader: one no visitor typed, i.e. set by the
 * reader's own earlier confirmation or by the operator (CLI, import). A name on a never
 * confirmed form sign-up is not shown: versions before this one stored the form's name there.
 */
export const ownName = (s: Subscriber): string | null =>
  s.confirmedAt !== null || s.source !== 'form' ? s.name : null;

/**
 * Activate the reader. `name` is what the mailbox owner submitted on the confirm page (the
 * weekly issue greets the reader by it); the subscribe form stores none.
 */
export function confirm(
  deps: PublicDeps,
  token: string,
  name: string | null,
): Promise<Result<Subscriber, LinkProblem>> {
  return onReader(deps, 'confirm', token, async (tx) => {
    const check = await confirmable(deps, tx, token);
    if (!check.ok || check.value.status === 'active') return check;
    const now = deps.now();
    await tx.subscribers.setName(check.value.id, name, now);
    return ok((await tx.subscribers.setStatus(check.value.id, 'active', now))!);
  });
}

export async function checkUnsubscribe(
  deps: PublicDeps,
  token: string,
  purpose: ReaderPurpose = 'unsubscribe',
): Promise<Result<Subscriber, LinkProblem>> {
  const found = await subscriberOf(deps, deps, purpose, token);
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
  purpose: ReaderPurpose = 'unsubscribe',
): Promise<Result<Subscriber, LinkProblem>> {
  return onReader(deps, purpose, token, async (tx) => {
    const found = await subscriberOf(deps, tx, purpose, token);
    if (!found.ok) return found;
    const s = found.value.subscriber;
    if (s.status !== 'active' && s.status !== 'pending') return ok(s);
    if (issue) await tx.hygiene.recordChange(issue, s.id, 'unsubscribed', deps.now());
    return ok((await tx.subscribers.setStatus(s.id, 'unsubscribed', deps.now()))!);
  });
}

/** Can the unsubscribe page's "resubscribe" button re-activate this reader directly? */
export const canResubscribe = (s: Subscriber) =>
  s.status === 'unsubscribed' && s.confirmedAt !== null;

/**
 * The way back: the unsubscribe token proves the reader received our mail at this address, and
 * the address was confirmed before, so it is re-activated without a second confirmation.
 */
export function resubscribe(
  deps: PublicDeps,
  token: string,
  purpose: ReaderPurpose = 'unsubscribe',
): Promise<Result<Subscriber, LinkProblem>> {
  return onReader(deps, purpose, token, async (tx) => {
    const found = await subscriberOf(deps, tx, purpose, token);
    if (!found.ok) return found;
    const s = found.value.subscriber;
    if (s.status === 'active') return ok(s);
    if (s.status === 'bounced' || s.status === 'complained') return err('suppressed');
    if (await tx.suppressions.has(s.email)) return err('suppressed');
    if (!canResubscribe(s)) return err('never_confirmed');
    return ok((await tx.subscribers.setStatus(s.id, 'active', deps.now()))!);
  });
}

/**
 * A change to the reader a preferences link names, under that reader's lock: `fn` gets the
 * reader as it is now (a forgotten or unknown one is `invalid`).
 */
export function onPreferences<T>(
  deps: PublicDeps,
  token: string,
  fn: (tx: StoreRepos, s: Subscriber) => Promise<Result<T, LinkProblem>>,
): Promise<Result<T, LinkProblem>> {
  return onReader(deps, 'preferences', token, async (tx) => {
    const found = await subscriberOf(deps, tx, 'preferences', token);
    if (!found.ok) return found;
    return fn(tx, found.value.subscriber);
  });
}
