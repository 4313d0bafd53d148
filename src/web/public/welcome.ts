// The welcome email, sent when a confirmation activates a reader. Once per reader, ever: the
// claim (welcomed_at) is taken in one statement before sending, so two confirmations racing
// send one welcome, and it is given back only when the transport refused, so a later
// confirmation can try again. The idempotency key covers a transport retry. Kept to one
// call so a durable mail queue can carry it later.
import { homeUrl, unsubscribeUrl } from '../../links.ts';
import {
  loadTemplates,
  personaliseWelcome,
  type RenderedWelcome,
  renderWelcome,
} from '../../render/index.ts';
import type { Subscriber } from '../../store/index.ts';
import type { PublicDeps } from './deps.ts';
import type { Site } from './site.ts';
import { linkContext } from './subscription.ts';

export type WelcomeOutcome = 'sent' | 'off' | 'already' | 'render_failed' | 'send_failed';

export async function sendWelcome(
  deps: PublicDeps,
  site: Site,
  subscriber: Subscriber,
): Promise<WelcomeOutcome> {
  if (!deps.config.WELCOME_EMAIL) return 'off';
  const claimedAt = deps.now();
  if (!deps.subscribers.claimWelcome(subscriber.id, claimedAt)) return 'already';
  const links = linkContext(deps);
  let rendered: RenderedWelcome;
  try {
    rendered = await renderWelcome(await loadTemplates(deps.templatesDir), {
      brand: site.brand,
      homeUrl: homeUrl(links),
      postalAddress: deps.config.POSTAL_ADDRESS,
    });
  } catch (e) {
    // A broken template must not undo the confirmation the reader just made.
    deps.subscribers.releaseWelcome(subscriber.id, claimedAt);
    deps.logger.error('welcome email not rendered', {
      subscriberId: subscriber.id,
      reason: (e as Error).message,
    });
    return 'render_failed';
  }
  const mail = personaliseWelcome(rendered, unsubscribeUrl(links, subscriber.id));
  const sent = await deps.transport.sendOne(
    {
      from: deps.config.FROM_EMAIL,
      to: subscriber.email,
      subject: mail.subject,
      html: mail.html,
      text: mail.text,
      ...(deps.config.REPLY_TO ? { replyTo: deps.config.REPLY_TO } : {}),
      headers: mail.headers,
      tags: [{ name: 'kind', value: 'welcome' }],
    },
    { idempotencyKey: `welcome-${subscriber.id}` },
  );
  if (!sent.ok) {
    deps.subscribers.releaseWelcome(subscriber.id, claimedAt);
    deps.logger.error('welcome email not sent', {
      subscriberId: subscriber.id,
      failure: sent.error.kind,
      reason: sent.error.name,
    });
    return 'send_failed';
  }
  deps.logger.info('welcome email sent', { subscriberId: subscriber.id });
  return 'sent';
}
