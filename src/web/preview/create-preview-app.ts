// The preview as a Hono app, separate from listening on a port so tests can call it with
// app.request(). Every route answers with a page, never a crash: errors become content.
import { Hono } from 'hono';
import { clearTemplateCache } from '../../render/index.ts';
import { archiveRoutes } from './archive-routes.ts';
import { assetRoutes } from './asset-routes.ts';
import type { PreviewDeps } from './deps.ts';
import { eventsRoute } from './events-route.ts';
import { hostGuard } from './host-guard.ts';
import { pageRoutes } from './page-routes.ts';
import { createPageTemplates } from './page-templates.ts';
import { createPreviewState } from './preview-state.ts';
import { createRenderer, fallbackPage } from './render-page.ts';
import { reportRoute } from './report-route.ts';
import { sendRoute } from './send-route.ts';
import { welcomePreviewRoutes } from './welcome-routes.ts';

export function createPreviewApp(deps: PreviewDeps): Hono {
  const state = createPreviewState(deps);
  const pages = createPageTemplates(deps.pageTemplatesDir);
  // A saved file may change anything: content, email templates, page templates, the archive.
  deps.hub.onChange(() => {
    clearTemplateCache();
    pages.clear();
    state.clear();
  });
  const render = createRenderer(deps, state, pages);

  const app = new Hono();
  app.use(hostGuard(deps.boundHost));
  pageRoutes(app, deps, state, render);
  sendRoute(app, deps, state);
  archiveRoutes(app, deps, state);
  welcomePreviewRoutes(app, deps);
  reportRoute(app, deps, pages);
  eventsRoute(app, deps.hub);
  assetRoutes(app);
  app.notFound((c) =>
    c.html(fallbackPage(new Error(`nothing at ${c.req.path}`), 'Not found'), 404),
  );
  app.onError((e, c) => {
    deps.say?.(`preview: ${c.req.method} ${c.req.path} failed: ${e.stack ?? e.message}`);
    return c.html(fallbackPage(e, 'The preview hit an unexpected error'), 500);
  });
  return app;
}
