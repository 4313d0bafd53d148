// What a verified Resend event changes: every event is recorded (once per svix-id) and linked
// to its issue and reader; a hard bounce, a complaint or Resend's own suppression also
// suppresses the address, and an undeliverable event may trip the soft-bounce rule, all in
// the same transaction, so a retried delivery is applied once and a crash cannot record an
// event without its effect.
import { normaliseLink } from '../../report/index.ts';
import { bounceClass, isHardBounce, type ResendWebhookEvent } from '../../send/index.ts';
import type { SubscriberStatus } from '../../store/index.ts';
import type { PublicDeps } from './deps.ts';

export type WebhookOutcome = { outcome: 'recorded' | 'duplicate'; suppressed: number[] };

/** "Name <a@b>" or "a@b" → "a@b". */
const bareAddress = (to: string) => (/<([^>]+)>/.exec(to)?.[1] ?? to).trim();

export function suppressionFor(event: ResendWebhookEvent): SubscriberStatus | null {
  if (event.type === 'email.complained') return 'complained';
  // Resend refused to send: the address is on its suppression list after a hard bounce or a
  // complaint. Sending again only adds to the failures.
  if (event.type === 'email.suppressed')
    return /complain/i.test(event.data.suppressed?.type ?? '') ? 'complained' : 'bounced';
  return isHardBounce(event) ? 'bounced' : null;
}

const detailOf = (event: ResendWebhookEvent): string | null =>
  event.type === 'email.clicked' && event.data.click
    ? normaliseLink(event.data.click.link)
    : bounceClass(event);

const undeliverable = (event: ResendWebhookEvent) =>
  bounceClass(event) === 'soft' || event.type === 'email.failed';

export function applyWebhookEvent(
  deps: PublicDeps,
  svixId: string,
  event: ResendWebhookEvent,
  rawBody: string,
): Promise<WebhookOutcome> {
  // Under the svix id's lock: a delivery Resend retries while the first is still being applied
  // waits for it, then finds it recorded.
  return deps.atomically(`webhook:${svixId}`, async (tx): Promise<WebhookOutcome> => {
    const to = (event.data.to ?? []).map(bareAddress);
    // Resend can still report on mail sent before an erasure: keep the event, not the address.
    let erased = false;
    for (const a of to) if ((await tx.suppressions.reasonFor(a)) === 'forgotten') erased = true;
    const { outcome, link } = await tx.events.recordLinked({
      svixId,
      type: event.type,
      email: erased ? null : (to[0] ?? null),
      messageId: erased ? null : (event.data.email_id ?? null),
      createdAt: event.created_at,
      payload: erased ? JSON.stringify({ type: event.type, redacted: 'erased reader' }) : rawBody,
      detail: erased ? null : detailOf(event),
    });
    if (outcome === 'duplicate') return { outcome, suppressed: [] };
    const suppressed: number[] = [];
    if (link && undeliverable(event)) {
      const limit = deps.config.SOFT_BOUNCE_LIMIT;
      if (await tx.hygiene.applySoftBounceRule(link.week, link.subscriberId, limit, deps.now()))
        suppressed.push(link.subscriberId);
    }
    const target = suppressionFor(event);
    if (target === null) return { outcome, suppressed };
    for (const address of to) {
      const s = await tx.subscribers.getByEmail(address);
      // A complaint is the strongest signal; a later bounce does not overwrite it.
      if (!s || s.status === target || (target === 'bounced' && s.status === 'complained'))
        continue;
      await tx.subscribers.setStatus(s.id, target, deps.now());
      suppressed.push(s.id);
    }
    return { outcome, suppressed };
  });
}
