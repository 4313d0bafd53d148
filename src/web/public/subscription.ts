// Double opt-in and opting out, apart from HTTP. Every decision reads the subscriber's current
// state; state changes only through the POST handlers that call confirm/unsubscribe/resubscribe.
import { confirmUrl } from '../../links.ts';
import { err, ok, type Result } from '../../result.ts';
import type { Subscriber } from '../../store/index.ts';
import { normaliseEmail } from '../../store/index.ts';
import { verifyToken } from '../../tokens.ts';
import type { PublicDeps } from './deps.ts';
import type { Site } from './site.ts';

export type RequestOutcome = 'sent' | 'cooldown' | 'active' | 'suppressed' | 'send_failed';
export type LinkProblem = 'invalid' | 'expired' | 'stale' | 'suppressed';

const MAX_NAME = 100;

/** One line of printable text, or null: names end up in emails and pages (escaped there). */
export function cleanName(raw: string | undefined): string | null {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  const name = (raw ?? '').replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ');
  return name.trim().slice(0, MAX_NAME).trim() || null;
}

export const validEmail = (raw: string | undefined) => normaliseEmail(raw ?? '');

/**
 * Store the address as pending (when new) and send one confirmation email. The same outcome
 * page follows whatever this returns, so the form never reveals whether an address exists.
 * The claim (confirm_sent_at) is taken in one transaction before sending, so a double click
 * or two racing requests send one email; the idempotency key covers a transport retry.
 */
export async function requestConfirmation(
  deps: PublicDeps,
  site: Site,
  email: string,
  name: string | null,
): Promise<RequestOutcome> {
  const now = deps.now();
  const claim = deps.db
    .transaction((): Subscriber | RequestOutcome => {
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
      const last = s.confirmSentAt ? Date.parse(s.confirmSentAt) : Number.NEGATIVE_INFINITY;
      if (now.getTime() - last < deps.limits.confirmCooldownMs) return 'cooldown';
      deps.subscribers.markConfirmSent(s.id, now);
      return s;
    })
    .immediate();
  if (typeof claim === 'string') return claim;

  const issuedAt = Math.floor(now.getTime() / 1000);
  const expiresAt = issuedAt + Math.floor(deps.limits.confirmTtlMs / 1000);
  const body = await site.confirmEmail({
    name: claim.name,
    confirmUrl: confirmUrl(linkContext(deps), claim.id, expiresAt),
  });
  const sent = await deps.transport.sendOne(
    {
      from: deps.config.FROM_EMAIL,
      to: claim.email,
      subject: `Confirm your subscription to ${site.brand}`,
      html: body.html,
      text: body.text,
      ...(deps.config.REPLY_TO ? { replyTo: deps.config.REPLY_TO } : {}),
      headers: {},
      tags: [{ name: 'kind', value: 'confirm' }],
    },
    { idempotencyKey: `confirm-${claim.id}-${issuedAt}` },
  );
  if (!sent.ok) {
    deps.logger.error('confirmation email not sent', {
      subscriberId: claim.id,
      failure: sent.error.kind,
      reason: sent.error.name,
    });
    return 'send_failed';
  }
  deps.logger.info('confirmation email sent', { subscriberId: claim.id });
  return 'sent';
}

export const linkContext = (deps: PublicDeps) => ({
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

export function confirm(deps: PublicDeps, token: string): Result<Subscriber, LinkProblem> {
  return deps.db
    .transaction((): Result<Subscriber, LinkProblem> => {
      const check = checkConfirm(deps, token);
      if (!check.ok || check.value.status === 'active') return check;
      return ok(deps.subscribers.setStatus(check.value.id, 'active', deps.now())!);
    })
    .immediate();
}

export function checkUnsubscribe(deps: PublicDeps, token: string): Result<Subscriber, LinkProblem> {
  const found = subscriberOf(deps, 'unsubscribe', token);
  return found.ok ? ok(found.value.subscriber) : err(found.error);
}

/** Opt out at once. A bounced or complained address keeps that (stricter) status. */
export function unsubscribe(deps: PublicDeps, token: string): Result<Subscriber, LinkProblem> {
  return deps.db
    .transaction((): Result<Subscriber, LinkProblem> => {
      const check = checkUnsubscribe(deps, token);
      if (!check.ok) return check;
      const s = check.value;
      if (s.status !== 'active' && s.status !== 'pending') return ok(s);
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
      if (!canResubscribe(s) || deps.suppressions.has(s.email)) return err('suppressed');
      return ok(deps.subscribers.setStatus(s.id, 'active', deps.now())!);
    })
    .immediate();
}
