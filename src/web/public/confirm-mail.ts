// The confirmation email, composed when the queue sends it from the subscriber's row as it is
// then. It carries nothing a visitor typed: the form's name field would otherwise let anyone
// put their own words ("Your account is locked, verify at …") into our mail to any address.
import { confirmUrl } from '../../links.ts';
import type { QueuedMail } from '../../store/index.ts';
import type { PublicDepsBase } from './deps.ts';
import type { Composed } from './mail-worker.ts';
import type { Site } from './site.ts';

/** The link's expiry follows from when the row was queued, so a retry sends the same bytes. */
export const confirmExpiresAt = (queuedAt: string, ttlMs: number) =>
  Math.floor(Date.parse(queuedAt) / 1000) + Math.floor(ttlMs / 1000);

export function composeConfirmation(deps: PublicDepsBase, site: Site) {
  return async (mail: QueuedMail): Promise<Composed> => {
    const s = await deps.subscribers.getById(mail.subscriberId);
    if (!s) return { skip: 'subscriber removed' };
    if (s.status === 'active') return { skip: 'already confirmed' };
    if (s.status === 'bounced' || s.status === 'complained') return { skip: s.status };
    const links = { baseUrl: deps.config.PUBLIC_BASE_URL, secret: deps.config.TOKEN_SECRET };
    const expiresAt = confirmExpiresAt(mail.createdAt, deps.limits.confirmTtlMs);
    const body = await site.confirmEmail({ confirmUrl: confirmUrl(links, s.id, expiresAt) });
    return {
      email: {
        from: deps.config.FROM_EMAIL,
        to: s.email,
        subject: `Confirm your subscription to ${site.brand}`,
        html: body.html,
        text: body.text,
        ...(deps.config.REPLY_TO ? { replyTo: deps.config.REPLY_TO } : {}),
        headers: {},
        tags: [{ name: 'kind', value: 'confirm' }],
      },
    };
  };
}
