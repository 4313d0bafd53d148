// DNS rebinding: a page on evil.example that resolves to 127.0.0.1 reaches the preview with
// `Host: evil.example:<port>`. Every route, GET included, must refuse it; the preview's own
// names (and the --host it was started with) must still work.
import { request } from 'node:http';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostGuard } from '../../../src/web/preview/host-guard.ts';
import { previewRoutes } from '../../../src/web/preview/routes.ts';
import {
  ARCHIVED_WEEK,
  type PreviewFixture,
  startPreviewFixture,
} from '../../support/preview-fixture.ts';

let f: PreviewFixture;
beforeAll(async () => {
  f = await startPreviewFixture();
});
afterAll(() => f.close());

/** One request with a chosen Host header (fetch does not allow setting it). */
const withHost = (method: string, p: string, host: string) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(f.url(p), {
      method,
      headers: { host, 'content-type': 'application/x-www-form-urlencoded' },
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      // The live-reload stream never ends on its own: the status is all we need from it.
      if (res.headers['content-type']?.startsWith('text/event-stream')) {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body });
        return;
      }
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(method === 'POST' ? 'to=a%40example.com' : undefined);
  });

/** Every URL the preview serves (from its route table), plus a path that matches nothing. */
const everyRoute = (): [string, string][] => {
  const gets = Object.entries(previewRoutes)
    .filter(([name]) => name !== 'sendTest')
    .map(([, r]) =>
      typeof r === 'function' ? (r as (x: string) => string)(ARCHIVED_WEEK) : String(r),
    );
  return [
    ...gets.map((p): [string, string] => ['GET', p.replace('/_preview/', '/_preview/preview.css')]),
    ['GET', previewRoutes.asset('preview.js')],
    ['GET', '/no-such-page'],
    ['POST', previewRoutes.sendTest(ARCHIVED_WEEK)],
  ];
};

describe('preview: Host check on every route', () => {
  it('answers a foreign Host with 421 on every route and shows no draft or path', async () => {
    const port = f.server.port;
    const routes = everyRoute();
    expect(routes.length).toBeGreaterThanOrEqual(12);
    for (const [method, p] of routes) {
      for (const host of [
        `evil.example:${port}`,
        'evil.example',
        `127.0.0.1.evil.example:${port}`,
      ]) {
        const res = await withHost(method, p, host);
        expect({ method, p, host, status: res.status }).toEqual({ method, p, host, status: 421 });
        expect(res.body).not.toContain(f.root);
        expect(res.body).not.toContain('SmolVLM2');
      }
    }
  });

  it('still serves its own names: 127.0.0.1, localhost, [::1]', async () => {
    const port = f.server.port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, 'LOCALHOST']) {
      const res = await withHost('GET', previewRoutes.week(ARCHIVED_WEEK), host);
      expect({ host, status: res.status }).toEqual({ host, status: 200 });
      expect(res.body).toContain('SmolVLM2');
    }
  });

  it('accepts the host it was started with (--host), IPv6 literals bracketed', async () => {
    const app = (bound: string | undefined) =>
      new Hono().use(hostGuard(bound)).get('/', (c) => c.text('draft'));
    const status = async (bound: string | undefined, host: string) =>
      (await app(bound).request('http://x/', { headers: { host } })).status;
    expect(await status('preview.lan', 'preview.lan:4000')).toBe(200);
    expect(await status('preview.lan', 'other.lan:4000')).toBe(421);
    expect(await status('fd00::5', '[fd00::5]:4000')).toBe(200);
    expect(await status('192.168.1.9', '192.168.1.9')).toBe(200);
    expect(await status(undefined, 'preview.lan')).toBe(421);
    expect(await status(undefined, '')).toBe(421);
  });
});
