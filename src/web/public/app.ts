// The public server as a Hono app: archive and feed, subscribe with double opt-in, confirm,
// unsubscribe (page + RFC 8058 one-click), Resend webhooks and community votes. No GET changes
// state. Everything it touches is injected (deps.ts), so tests run it against a temp database.
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { timeout } from 'hono/timeout';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { routes } from '../../links.ts';
import { accessLog, maskPath } from './access-log.ts';
import type { PublicContext } from './context.ts';
import type { PublicDeps } from './deps.ts';
import { createLiveIssues } from './live-issues.ts';
import { createRateLimiter } from './rate-limit.ts';
import { archiveRoutes } from './routes/archive.ts';
import { confirmRoutes } from './routes/confirm.ts';
import { subscribeRoutes } from './routes/subscribe.ts';
import { unsubscribeRoutes } from './routes/unsubscribe.ts';
import { voteRoutes } from './routes/votes.ts';
import { webhookRoutes } from './routes/webhooks.ts';
import { formCsrf, loopbackToPublicOrigin, publicSecureHeaders } from './security.ts';
import { createSite, type Site } from './site.ts';

const STATUS_TEXT: Partial<Record<number, [string, string]>> = {
  403: ['Request refused', 'This form was sent from another site, so it was not accepted.'],
  413: ['Too much data', 'That request was larger than this site accepts.'],
  504: ['This took too long', 'The server could not answer in time. Please try again.'],
};

export function createPublicApp(deps: PublicDeps): Hono {
  const site = createSite(deps);
  const ctx: PublicContext = {
    deps,
    site,
    live: createLiveIssues(deps),
    subscribeLimiter: createRateLimiter(deps.limits.subscribePerWindow, deps.limits.windowMs),
    csrf: formCsrf(deps.config.PUBLIC_BASE_URL),
  };
  const app = new Hono();

  app.use(accessLog(deps.logger));
  app.use(publicSecureHeaders());
  app.use(loopbackToPublicOrigin(deps.config.PUBLIC_BASE_URL));
  app.use(timeout(deps.limits.requestTimeoutMs));
  app.use(limitBodies(deps, site));

  app.get('/healthz', (c) => {
    deps.db.prepare('SELECT 1').get();
    return c.text('ok');
  });
  for (const group of [
    archiveRoutes,
    subscribeRoutes,
    confirmRoutes,
    unsubscribeRoutes,
    voteRoutes,
    webhookRoutes,
  ]) {
    app.route('/', group(ctx));
  }

  app.notFound((c) =>
    site.message(c, 404, {
      title: 'Not found',
      heading: 'Page not found',
      paragraphs: ['There is nothing at this address. The archive lists every issue.'],
      link: { href: site.url(routes.home), label: 'All issues' },
    }),
  );
  app.onError((e, c) => errorPage(deps, site, e, c));
  return app;
}

/** Form POSTs are small; webhooks somewhat larger. Over the limit: 413 before parsing. */
function limitBodies(deps: PublicDeps, site: Site): MiddlewareHandler {
  const tooLarge = (c: Context) => plainError(site, c, 413);
  const form = bodyLimit({ maxSize: deps.limits.formBodyBytes, onError: tooLarge });
  const webhook = bodyLimit({
    maxSize: deps.limits.webhookBodyBytes,
    onError: (c) => c.json({ error: 'payload_too_large' }, 413),
  });
  return (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    return (c.req.path === routes.webhook ? webhook : form)(c, next);
  };
}

const plainError = (site: Site, c: Context, status: ContentfulStatusCode) => {
  const [heading, text] = STATUS_TEXT[status] ?? ['Something went wrong', 'Please try again.'];
  return site.message(c, status, { title: heading, heading, paragraphs: [text] });
};

/** Expected HTTP errors get their status and a page; anything else is logged, never shown. */
async function errorPage(deps: PublicDeps, site: Site, e: Error, c: Context): Promise<Response> {
  if (e instanceof HTTPException && e.status < 500) {
    return plainError(site, c, e.status as ContentfulStatusCode);
  }
  const status = e instanceof HTTPException ? e.status : 500;
  deps.logger.error('request failed', {
    method: c.req.method,
    path: maskPath(c.req.path),
    status,
    error: e.message,
    stack: e.stack,
  });
  try {
    return await plainError(site, c, status as ContentfulStatusCode);
  } catch {
    return c.text('Something went wrong. Please try again.', status as ContentfulStatusCode);
  }
}
