// The editor's pages: the week page, the fragments live reload swaps in, and the email itself
// for the iframe (what the preview reader would receive, byte for byte).
import Handlebars from 'handlebars';
import type { Hono } from 'hono';
import { formatWeek, parseWeek, weekOf } from '../../content/index.ts';
import { previewVariant } from '../../pipeline/index.ts';
import { loadTemplates } from '../../render/index.ts';
import type { PreviewDeps } from './deps.ts';
import { viewState } from './page-view.ts';
import type { PreviewState } from './preview-state.ts';
import type { Renderer } from './render-page.ts';
import { previewRoutes } from './routes.ts';
import { formatShown } from './shown-problem.ts';
import { PREVIEW_RECIPIENT } from './week-preview.ts';

const NO_STORE = { 'Cache-Control': 'no-store' };

export function pageRoutes(app: Hono, deps: PreviewDeps, state: PreviewState, render: Renderer) {
  app.get(previewRoutes.home, (c) => {
    const week = formatWeek(weekOf(deps.now(), deps.pipeline.settings.plan.zone));
    return c.redirect(previewRoutes.week(week));
  });

  // The week picker without JavaScript: <input type="week"> submits YYYY-Www.
  app.get(previewRoutes.go, async (c) => {
    const text = c.req.query('week') ?? '';
    const parsed = parseWeek(text);
    if (parsed.ok) return c.redirect(previewRoutes.week(formatWeek(parsed.value)));
    const page = await render.page(text, viewState(c.req.query()));
    return c.html(page.html, page.status, NO_STORE);
  });

  app.get('/weeks/:week', async (c) => {
    const page = await render.page(c.req.param('week'), viewState(c.req.query()));
    return c.html(page.html, page.status, NO_STORE);
  });

  app.get('/weeks/:week/fragments', async (c) => {
    const { status, body } = await render.fragments(c.req.param('week'));
    return c.json(body, status, NO_STORE);
  });

  app.get('/weeks/:week/lint', async (c) => {
    const parsed = parseWeek(c.req.param('week'));
    if (!parsed.ok) return c.html(Handlebars.escapeExpression(parsed.error), 400, NO_STORE);
    return c.html(await render.lint(parsed.value), 200, NO_STORE);
  });

  // One variant of the week, as its readers would get it (the iframe's email, on its own page).
  app.get('/weeks/:week/variants/:id/email.html', async (c) => {
    const parsed = parseWeek(c.req.param('week'));
    if (!parsed.ok) return c.html(messageDoc(parsed.error), 400, NO_STORE);
    const shown = await previewVariant(deps.pipeline, parsed.value, c.req.param('id'), {
      reader: PREVIEW_RECIPIENT,
      current: weekOf(deps.now(), deps.pipeline.settings.plan.zone),
      templates: () => loadTemplates(deps.templatesDir),
    });
    if (!shown) return c.html(messageDoc('This week has no such variant.'), 404, NO_STORE);
    return c.html(shown.html, 200, {
      ...NO_STORE,
      'Content-Security-Policy': "script-src 'none'; object-src 'none'",
    });
  });

  app.get('/weeks/:week/email.html', async (c) => {
    const parsed = parseWeek(c.req.param('week'));
    if (!parsed.ok) return c.html(messageDoc(parsed.error), 400, NO_STORE);
    const preview = await state.week(parsed.value);
    if (!preview.shown) {
      const why = preview.empty ?? preview.problems.map(formatShown).join('\n');
      return c.html(messageDoc(why), 200, NO_STORE);
    }
    // The email runs no script in a mail client; it runs none here either.
    return c.html(preview.shown.html, 200, {
      ...NO_STORE,
      'Content-Security-Policy': "script-src 'none'; object-src 'none'",
    });
  });
}

/** A tiny document for the iframe when there is no email to show. */
function messageDoc(message: string): string {
  const text = Handlebars.escapeExpression(message);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>No email</title></head><body style="font:15px system-ui,sans-serif;padding:24px;white-space:pre-wrap">${text}</body></html>`;
}
