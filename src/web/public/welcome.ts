// The welcome email, queued when a confirmation activates a reader and sent by the mail queue
// after the answer, like the confirmation: a slow or failing provider never shows in the
// confirm page's timing, and a crash between the two loses nothing. Once per reader, ever: the
// claim (welcomed_at) and the queue row are written in one transaction, so two confirmations
// racing queue one welcome; the claim is given back when the email will not be sent (a broken
// template, the provider refused it, out of attempts), so a later confirmation can try again.
// The idempotency key is the reader's (`welcome-<id>`), so a retry is never a second welcome.
import { homeUrl, preferencesUrl, unsubscribeUrl } from '../../links.ts';
import {
  loadTemplates,
  personaliseWelcome,
  type RenderedWelcome,
  renderWelcome,
} from '../../render/index.ts';
import { mailboxKey, type QueuedMail, type Subscriber } from '../../store/index.ts';
import type { PublicDeps, PublicDepsBase } from './deps.ts';
import type { Composed } from './mail-worker.ts';
import type { Site } from './site.ts';
import { linkContext } from './subscription.ts';

export type WelcomeOutcome = 'queued' | 'off' | 'already';

export async function queueWelcome(
  deps: PublicDeps,
  subscriber: Subscriber,
): Promise<WelcomeOutcome> {
  if (!deps.config.WELCOME_EMAIL) return 'off';
  const at = deps.now();
  const queued = await deps.atomically(`subscriber:${subscriber.id}`, async (tx) => {
    if (!(await tx.subscribers.claimWelcome(subscriber.id, at))) return false;
    await tx.mailQueue.enqueue('welcome', subscriber.id, mailboxKey(subscriber.email), at);
    return true;
  });
  if (!queued) return 'already';
  deps.mail.wake();
  return 'queued';
}

/** The queue's composer for `welcome` rows, from the subscriber's row as it is when sent. */
export function composeWelcome(deps: PublicDepsBase, site: Site) {
  return async (mail: QueuedMail): Promise<Composed> => {
    const s = await deps.subscribers.getById(mail.subscriberId);
    if (!s) return { skip: 'subscriber removed' };
    if (s.status !== 'active') return { skip: `no longer subscribed (${s.status})` };
    // The claim was taken when the row was queued, at the row's own time.
    const giveBack = () => deps.subscribers.releaseWelcome(s.id, new Date(mail.createdAt));
    let rendered: RenderedWelcome;
    try {
      rendered = await renderWelcome(await loadTemplates(deps.templatesDir), {
        brand: site.brand,
        homeUrl: homeUrl(linkContext(deps)),
        postalAddress: deps.config.POSTAL_ADDRESS,
      });
    } catch (e) {
      // A broken template must not undo the confirmation the reader made, nor block the queue.
      await giveBack();
      const reason = (e as Error).message;
      deps.logger.error('welcome email not rendered', { subscriberId: s.id, reason });
      return { skip: `welcome template failed: ${reason}` };
    }
    const links = linkContext(deps);
    const body = personaliseWelcome(
      rendered,
      unsubscribeUrl(links, s.id),
      preferencesUrl(links, s.id),
    );
    return {
      email: {
        from: deps.config.FROM_EMAIL,
        to: s.email,
        subject: body.subject,
        html: body.html,
        text: body.text,
        ...(deps.config.REPLY_TO ? { replyTo: deps.config.REPLY_TO } : {}),
        headers: body.headers,
        tags: [{ name: 'kind', value: 'welcome' }],
      },
      idempotencyKey: `welcome-${s.id}`,
      onGiveUp: giveBack,
    };
  };
}
