// The files the sign-up proof of work needs in the reader's browser, served by this site (no
// third party): the altcha widget, its SHA-256 worker and styles from the `altcha` package, and
// our few lines that join them (assets/sign-up-proof.js). Read once, on the first request.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Hono } from 'hono';
import { PROJECT_ROOT } from '../../../project-root.ts';

export const PROOF_ASSETS = '/assets/proof';

const widget = import.meta.resolve('altcha/external');
const FILES: Record<string, { url: string; type: string }> = {
  'sign-up-proof.js': {
    url: pathToFileURL(path.join(PROJECT_ROOT, 'src/web/public/assets/sign-up-proof.js')).href,
    type: 'text/javascript',
  },
  'altcha.js': { url: new URL('./altcha.min.js', widget).href, type: 'text/javascript' },
  'altcha-sha.js': { url: new URL('../workers/sha.js', widget).href, type: 'text/javascript' },
  'altcha.css': { url: new URL('./altcha.css', widget).href, type: 'text/css' },
};

export function proofAssetRoutes(): Hono {
  const app = new Hono();
  const cache = new Map<string, Promise<Buffer>>();
  app.get(`${PROOF_ASSETS}/:file`, async (c) => {
    const file = FILES[c.req.param('file')];
    if (!file) return c.notFound();
    let body = cache.get(file.url);
    if (!body) {
      body = readFile(fileURLToPath(file.url));
      cache.set(file.url, body);
    }
    c.header('Cache-Control', 'public, max-age=86400');
    return c.body(new Uint8Array(await body), 200, {
      'Content-Type': `${file.type}; charset=utf-8`,
    });
  });
  return app;
}
