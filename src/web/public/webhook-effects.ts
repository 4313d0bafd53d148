// What a verified Resend event changes: every event is recorded (once per svix-id); a hard
// bounce or a complaint also suppresses the address, in the same transaction, so a retried
// delivery is applied once and a crash cannot record an event without its effect.
import { isHardBounce, type ResendWebhookEvent } from '../../send/index.ts';
import type { SubscriberStatus } from '../../store/index.ts';
import type { PublicDeps } from './deps.ts';

export type WebhookOutcome = { outcome: 'recorded' | 'duplicate'; suppressed: number[] };

/** "Name <a@b>" or "a@b" → "a@b". */
const bareAddress = (to: string) => (/<([^>]+)>/.exec(to)?.[1] ?? to).trim();

export function suppressionFor(event: ResendWebhookEvent): SubscriberStatus | null {
  if (event.type === 'email.complained') return 'complained';
  return isHardBounce(event) ? 'bounced' : null;
}

export function applyWebhookEvent(
  deps: PublicDeps,
  svixId: string,
  event: ResendWebhookEvent,
  rawBody: string,
): WebhookOutcome {
  return deps.db
    .transaction((): WebhookOutcome => {
      const to = (event.data.to ?? []).map(bareAddress);
      // Resend can still report on mail sent before an erasure: keep the event, not the address.
      const erased = to.some((a) => deps.suppressions.reasonFor(a) === 'forgotten');
      const outcome = deps.events.record({
        svixId,
        type: event.type,
        email: erased ? null : (to[0] ?? null),
        messageId: erased ? null : (event.data.email_id ?? null),
        createdAt: event.created_at,
        payload: erased ? JSON.stringify({ type: event.type, redacted: 'erased reader' }) : rawBody,
      });
      const target = suppressionFor(event);
      if (outcome === 'duplicate' || target === null) return { outcome, suppressed: [] };
      const suppressed: number[] = [];
      for (const address of to) {
        const s = deps.subscribers.getByEmail(address);
        // A complaint is the strongest signal; a later bounce does not overwrite it.
        if (!s || s.status === target || (target === 'bounced' && s.status === 'complained'))
          continue;
        deps.subscribers.setStatus(s.id, target, deps.now());
        suppressed.push(s.id);
      }
      return { outcome, suppressed };
    })
    .immediate();
}
