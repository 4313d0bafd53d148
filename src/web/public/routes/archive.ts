// The archive: the front page lists every sent issue, each issue's web version shows the live
// community share, and the Atom feed lists the sent issues.
import { Hono } from 'hono';
import { buildFeed } from '../../../archive/index.ts';
import { routes } from '../../../links.ts';
import { renderArchiveIndex } from '../../../render/index.ts';
import type { PublicContext } from '../context.ts';
import { WEEK } from '../live-issues.ts';

// Public and identical for everyone: a short shared cache keeps a busy Monday cheap.
const CACHE = 'public, max-age=60';

export function archiveRoutes({ live, site }: PublicContext): Hono {
  const app = new Hono();

  app.get(routes.home, async (c) => {
    const html = await renderArchiveIndex(await live.sent(), live.renderOpts);
    c.header('Cache-Control', CACHE);
    return c.html(html);
  });

  app.get(routes.feed, async (c) => {
    const xml = buildFeed(await live.sent(), live.renderOpts);
    c.header('Cache-Control', CACHE);
    return c.body(xml, 200, { 'Content-Type': 'application/atom+xml; charset=utf-8' });
  });

  app.get('/issues/:week', (c) => {
    const week = c.req.param('week');
    return WEEK.test(week) ? c.redirect(routes.issue(week), 301) : c.notFound();
  });

  app.get('/issues/:week/', async (c) => {
    // `?reader` (the vote page's link): a subscriber is not offered the subscribe form again.
    const html = await live.webPage(c.req.param('week'), c.req.query('reader') !== undefined);
    if (html === null) return c.notFound();
    // Votes change it: caches must ask again, so a reader sees their vote after casting it.
    c.header('Cache-Control', 'no-cache');
    return c.html(html);
  });

  app.get('/assets/site.css', async (c) => {
    c.header('Cache-Control', 'public, max-age=3600');
    return c.body((await site.templates()).css, 200, { 'Content-Type': 'text/css; charset=utf-8' });
  });

  return app;
}
