// The preview page's own script and styles, read from disk on each request so editing them
// needs no restart (this is a local tool; a few KB per page load is nothing).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Hono } from 'hono';
import { PROJECT_ROOT } from '../../project-root.ts';

export const ASSETS_DIR = path.join(PROJECT_ROOT, 'src/web/preview/assets');

const ASSETS: Record<string, string> = {
  'preview.js': 'text/javascript; charset=utf-8',
  'preview.css': 'text/css; charset=utf-8',
};

export function assetRoutes(app: Hono) {
  app.get('/_preview/:name', async (c) => {
    const name = c.req.param('name');
    const type = ASSETS[name];
    if (!type) return c.notFound();
    const body = await readFile(path.join(ASSETS_DIR, name), 'utf8');
    return c.body(body, 200, { 'Content-Type': type, 'Cache-Control': 'no-store' });
  });
}
