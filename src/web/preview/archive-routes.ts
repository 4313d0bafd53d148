// The archive as the public server will show it: the index page, the feed and each week's web
// version, read from the archive folder on every request. A draft week shows its in-memory
// web version instead, so an editor can check the page before anything is built.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import Handlebars from 'handlebars';
import type { Context, Hono } from 'hono';
import { ARCHIVE_INDEX_FILES } from '../../archive/index.ts';
import { parseWeek } from '../../content/index.ts';
import type { PreviewDeps } from './deps.ts';
import type { PreviewState } from './preview-state.ts';
import { previewRoutes } from './routes.ts';
import { formatShown } from './shown-problem.ts';

const NO_STORE = { 'Cache-Control': 'no-store' };

async function readOrNull(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return null;
  }
}

function missing(c: Context, what: string) {
  const text = Handlebars.escapeExpression(what);
  return c.html(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not in the archive</title></head><body style="font:15px system-ui,sans-serif;padding:24px"><h1>Not in the archive</h1><p>${text}</p><p><a href="/">Back to the preview</a></p></body></html>`,
    404,
    NO_STORE,
  );
}

export function archiveRoutes(app: Hono, deps: PreviewDeps, state: PreviewState) {
  const issuesDir = () => deps.config.ISSUES_DIR;

  const index = async (c: Context) => {
    const html = await readOrNull(path.join(issuesDir(), ARCHIVE_INDEX_FILES.index));
    if (html === null) return missing(c, 'The archive has no index.html yet: build a week first.');
    return c.html(html, 200, NO_STORE);
  };
  app.get('/archive', (c) => c.redirect(previewRoutes.archiveIndex));
  app.get(previewRoutes.archiveIndex, index);
  app.get('/archive/index.html', index);

  const feed = async (c: Context) => {
    const xml = await readOrNull(path.join(issuesDir(), ARCHIVE_INDEX_FILES.feed));
    if (xml === null) return missing(c, 'The archive has no feed.xml yet: build a week first.');
    return c.body(xml, 200, { ...NO_STORE, 'Content-Type': 'application/atom+xml; charset=utf-8' });
  };
  app.get(previewRoutes.feed, feed);
  app.get('/archive/feed.xml', feed);

  app.get('/issues/:week', (c) => c.redirect(previewRoutes.web(c.req.param('week'))));
  app.get('/issues/:week/', async (c) => {
    const week = parseWeek(c.req.param('week'));
    if (!week.ok) return missing(c, week.error);
    const preview = await state.week(week.value);
    if (preview.rendered) return c.html(preview.rendered.webHtml, 200, NO_STORE);
    const why = preview.empty ?? preview.problems.map(formatShown).join('; ');
    return missing(c, `${preview.week}: ${why || 'nothing to show'}`);
  });
}
