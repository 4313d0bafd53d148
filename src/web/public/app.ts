// The public server as a Hono app: archive and feed, subscribe with double opt-in, confirm,
// unsubscribe (page + RFC 8058 one-click), Resend webhooks and community votes. No GET changes
// state. Everything it touches is injected (deps.ts), so tests run it against a temp database.
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { matchedRoutes } from 'hono/route';
import { timeout } from 'hono/timeout';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { routes } from '../../links.ts';
import type { SiteMetrics } from '../../metrics.ts';
import { accessLog, maskPath } from './access-log.ts';
import type { PublicContext } from './context.ts';
import type { PublicDeps } from './deps.ts';
import { createLiveIssues } from './live-issues.ts';
import { createPendingExpiry } from './pending-expiry.ts';
import { createRateLimiter } from './rate-limit.ts';
import { archiveRoutes } from './routes/archive.ts';
import { confirmRoutes } from './routes/confirm.ts';
import { preferencesRoutes } from './routes/preferences.ts';
import { proofAssetRoutes } from './routes/proof-assets.ts';
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
    subscribeLimiter: createRateLimiter(
      deps.rateLimits,
      'subscribe',
      deps.limits.subscribePerWindow,
      deps.limits.windowMs,
    ),
    signupHourLimiter: createRateLimiter(
      deps.rateLimits,
      'signup-hour',
      deps.limits.subscribePerSourcePerHour,
      3600_000,
    ),
    csrf: formCsrf(deps.config.PUBLIC_BASE_URL),
    pendingExpiry: createPendingExpiry(deps),
  };
  const app = new Hono();

  if (deps.metrics) app.use(countRequests(deps.metrics.site));
  app.use(accessLog(deps.logger));
  app.use(publicSecureHeaders());
  app.use(loopbackToPublicOrigin(deps.config.PUBLIC_BASE_URL, ['/healthz', '/readyz']));
  app.use(timeout(deps.limits.requestTimeoutMs));
  app.use(limitBodies(deps, site));

  // Liveness: the process answers. Readiness: the database answers with the schema this
  // program knows; a proxy takes a server out of rotation while it is not ready.
  app.get('/healthz', (c) => c.text('ok'));
  // A database that does not answer (stopped, paused, partitioned) is 503 within
  // readyTimeoutMs, before the proxy's own check times out.
  app.get('/readyz', async (c) => {
    try {
      const { applied, known } = await within(deps.schema(), deps.limits.readyTimeoutMs);
      if (applied === known) return c.text('ready');
      return c.text(`schema ${applied}, this program knows ${known}`, 503);
    } catch (e) {
      deps.logger.warn('not ready', { error: (e as Error).message });
      return c.text('database unavailable', 503);
    }
  });
  for (const group of [
    archiveRoutes,
    proofAssetRoutes,
    subscribeRoutes,
    confirmRoutes,
    unsubscribeRoutes,
    preferencesRoutes,
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

/** `p`, or a rejection once `ms` have passed without an answer. */
async function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

const METHODS = new Set(['GET', 'HEAD', 'POST']);

/**
 * Requests by method, route pattern and status, and their duration. The route is the pattern
 * of the handler the path matched (`/confirm/:token`), `unmatched` for a 404 nobody routes:
 * tokens and scanners' paths never become labels, so the series stay few.
 */
function countRequests(metrics: SiteMetrics): MiddlewareHandler {
  const routeOf = (c: Context) => {
    const handler = matchedRoutes(c).findLast((r) => r.method !== 'ALL');
    return handler?.path ?? 'unmatched';
  };
  return async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const method = METHODS.has(c.req.method) ? c.req.method : 'other';
      const seconds = (performance.now() - started) / 1000;
      metrics.request(method, routeOf(c), c.res.status, seconds);
    }
  };
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
