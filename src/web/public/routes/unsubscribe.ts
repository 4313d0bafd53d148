// Opting out. GET shows a button; POST unsubscribes at once. The RFC 8058 one-click POST that
// Gmail and Yahoo send (form body List-Unsubscribe=One-Click, from their servers, no Origin)
// is answered with an empty 200 and is exempt from the CSRF check; the page's own buttons are
// not. The way back is a "resubscribe" button on the done page (see subscription.ts).
import { Hono, type MiddlewareHandler } from 'hono';
import { routes } from '../../../links.ts';
import { clientIp, sourceOf } from '../client-ip.ts';
import type { PublicContext } from '../context.ts';
import { canResubscribe, checkUnsubscribe, resubscribe, unsubscribe } from '../subscription.ts';
import { linkProblem } from './link-problems.ts';
import { preferencesPath } from './preferences.ts';

const isOneClick = (body: Record<string, unknown>) => body['List-Unsubscribe'] === 'One-Click';
/** The issue whose link was used (`?issue=`), kept through the page's own form. */
const issueOf = (q: string | undefined) => (q && /^\d{4}-W\d{2}$/.test(q) ? q : undefined);

export function unsubscribeRoutes(ctx: PublicContext): Hono {
  const { deps, site } = ctx;
  const app = new Hono();
  const view = (
    token: string,
    state: 'ask' | 'done' | 'resubscribed',
    canResub = false,
    issue?: string,
    subscriberId?: number,
  ) => ({
    preferencesUrl:
      subscriberId === undefined
        ? null
        : site.url(preferencesPath(deps.config.TOKEN_SECRET, subscriberId)),
    title: state === 'ask' ? 'Unsubscribe' : state === 'done' ? 'Unsubscribed' : 'Subscribed again',
    action: site.url(routes.unsubscribe(token)) + (issue ? `?issue=${issue}` : ''),
    ask: state === 'ask',
    done: state === 'done',
    resubscribed: state === 'resubscribed',
    canResubscribe: canResub,
    showSubscribeForm: false,
  });

  app.get('/unsubscribe/:token', async (c) => {
    const token = c.req.param('token');
    const check = await checkUnsubscribe(deps, token);
    if (!check.ok) return linkProblem(site, c, check.error);
    const s = check.value;
    const state = s.status === 'active' || s.status === 'pending' ? 'ask' : 'done';
    const issue = issueOf(c.req.query('issue'));
    return site.page(c, 'unsubscribe', view(token, state, canResubscribe(s), issue, s.id));
  });

  // One-click requests skip the Origin check; everything else goes through it.
  const csrfUnlessOneClick: MiddlewareHandler = async (c, next) =>
    isOneClick(await c.req.parseBody()) ? next() : ctx.csrf(c, next);

  app.post('/unsubscribe/:token', csrfUnlessOneClick, async (c) => {
    const token = c.req.param('token');
    const body = await c.req.parseBody();
    const issue = issueOf(c.req.query('issue'));
    if (isOneClick(body)) {
      const done = await unsubscribe(deps, token, issue);
      if (done.ok) deps.logger.info('unsubscribed (one-click)', { subscriberId: done.value.id });
      return c.body(null, done.ok ? 200 : 404);
    }
    if (body['action'] === 'resubscribe') {
      if (
        !(await ctx.subscribeLimiter.hit(
          sourceOf(clientIp(c, deps.config.TRUST_PROXY)),
          deps.now(),
        ))
      )
        return site.message(c, 429, {
          title: 'Too many requests',
          heading: 'Too many requests',
          paragraphs: ['Please wait a minute and try again.'],
        });
      const back = await resubscribe(deps, token);
      if (!back.ok) return linkProblem(site, c, back.error);
      deps.logger.info('resubscribed', { subscriberId: back.value.id });
      return site.page(
        c,
        'unsubscribe',
        view(token, 'resubscribed', false, undefined, back.value.id),
      );
    }
    const done = await unsubscribe(deps, token, issue);
    if (!done.ok) return linkProblem(site, c, done.error);
    deps.logger.info('unsubscribed', { subscriberId: done.value.id });
    return site.page(
      c,
      'unsubscribe',
      view(token, 'done', canResubscribe(done.value), undefined, done.value.id),
    );
  });

  return app;
}
