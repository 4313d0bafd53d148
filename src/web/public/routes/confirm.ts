// Double opt-in, second half: GET shows a button and changes nothing (mail scanners prefetch
// links); the POST it submits activates the subscriber. The page's name field is prefilled
// only with a name the mailbox owner gave: the one this browser typed when it signed up the
// address (its signed cookie), else a name the reader confirmed before; never one a visitor
// typed for the address elsewhere.
import { Hono } from 'hono';
import { routes } from '../../../links.ts';
import type { PublicContext } from '../context.ts';
import { forgetSignupName, nameCookieSettings, signupNameFor } from '../name-cookie.ts';
import { checkConfirm, confirm, ownName } from '../subscription.ts';
import { queueWelcome } from '../welcome.ts';
import { linkProblem } from './link-problems.ts';

export function confirmRoutes(ctx: PublicContext): Hono {
  const { deps, site } = ctx;
  const app = new Hono();
  const subscribed = (c: Parameters<typeof site.message>[0]) =>
    site.message(c, 200, {
      title: 'You are subscribed',
      heading: 'You are subscribed',
      paragraphs: [
        'The next comparison will land in your inbox. Every email has a one-click unsubscribe link.',
      ],
      link: { href: site.url(routes.home), label: 'Read past issues' },
      showSubscribeForm: false,
    });

  app.get('/confirm/:token', async (c) => {
    const token = c.req.param('token');
    const check = await checkConfirm(deps, token);
    if (!check.ok) return linkProblem(site, c, check.error);
    if (check.value.status === 'active') return subscribed(c);
    return site.page(c, 'confirm', {
      title: 'Confirm your subscription',
      name:
        signupNameFor(c, nameCookieSettings(deps), check.value.email, deps.now()) ??
        ownName(check.value),
      action: site.url(routes.confirm(token)),
      showSubscribeForm: false,
    });
  });

  app.post('/confirm/:token', ctx.csrf, async (c) => {
    // The greeting's name comes from this form, filled in by whoever holds the mailbox.
    const body = await c.req.parseBody();
    const name = typeof body['name'] === 'string' ? body['name'] : null;
    const done = await confirm(deps, c.req.param('token'), name);
    if (!done.ok) return linkProblem(site, c, done.error);
    forgetSignupName(c, nameCookieSettings(deps), done.value.email, deps.now());
    deps.logger.info('subscriber confirmed', { subscriberId: done.value.id });
    // Once per reader however often they confirm; sent after the answer, by the mail queue.
    await queueWelcome(deps, done.value);
    return subscribed(c);
  });

  return app;
}
