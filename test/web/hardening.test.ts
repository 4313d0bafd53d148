import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { routes, unsubscribeToken } from '../../src/links.ts';
import { SECRET, useServer } from './web-fixture.ts';

const start = useServer();

describe('public server hardening', () => {
  it('sends security headers on pages, errors and the archive', async () => {
    const s = await start();
    for (const p of ['/', routes.issue('2026-W48'), '/subscribe', '/no-such-page']) {
      const res = await s.get(p);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, p).toContain("frame-ancestors 'none'");
      expect(csp, p).toContain("script-src 'none'");
      expect(csp, p).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(res.headers.get('x-content-type-options'), p).toBe('nosniff');
      expect(res.headers.get('x-frame-options'), p).toBe('DENY');
      expect(res.headers.get('referrer-policy'), p).toBe('no-referrer');
    }
  });

  it('refuses a form POST from another site or with no origin at all (CSRF)', async () => {
    const s = await start();
    const evil = await s.post(
      '/subscribe',
      { email: 'ann@example.com' },
      { origin: 'https://evil.example' },
    );
    expect(evil.status).toBe(403);
    expect(await evil.text()).toContain('Request refused');
    const bare = await fetch(`${s.url}/subscribe`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=ann%40example.com',
    });
    expect(bare.status).toBe(403);
    // A browser on our own pages says same-origin even where it omits Origin.
    const sameSite = await fetch(`${s.url}/subscribe`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'sec-fetch-site': 'same-origin',
      },
      body: 'email=ann%40example.com',
    });
    expect(sameSite.status).toBe(200);
    expect(s.subscribers.getByEmail('ann@example.com')?.status).toBe('pending');
  });

  it('answers 413 to bodies over the limit, announced or streamed', async () => {
    const s = await start();
    const big = await s.post('/subscribe', { email: 'ann@example.com', name: 'x'.repeat(20_000) });
    expect(big.status).toBe(413);
    expect(await big.text()).toContain('Too much data');
    const chunks = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(`email=a%40example.com&name=${'y'.repeat(20_000)}`));
        c.close();
      },
    });
    const streamed = await fetch(`${s.url}/subscribe`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: s.url },
      body: chunks,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(s.subscribers.getByEmail('ann@example.com')).toBeUndefined();
    expect(s.subscribers.getByEmail('a@example.com')).toBeUndefined();
  });

  it('rate-limits subscribe requests per client (429), and the window passes', async () => {
    const s = await start({ overrides: { limits: { subscribePerWindow: 3 } } });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await s.subscribe(`r${i}@example.com`)).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const limited = await s.subscribe('r9@example.com');
    expect(limited.headers.get('retry-after')).toBe('60');
    expect(s.subscribers.getByEmail('r3@example.com')).toBeUndefined();
    s.clock.now = new Date(s.clock.now.getTime() + 61_000);
    expect((await s.subscribe('r5@example.com')).status).toBe(200);
  });

  it('counts clients by X-Forwarded-For only when TRUST_PROXY is set', async () => {
    const direct = await start({ overrides: { limits: { subscribePerWindow: 1 } } });
    const spoof = (ip: string) => ({ 'x-forwarded-for': ip });
    expect(
      (await direct.post('/subscribe', { email: 'a@example.com' }, spoof('1.1.1.1'))).status,
    ).toBe(200);
    expect(
      (await direct.post('/subscribe', { email: 'b@example.com' }, spoof('2.2.2.2'))).status,
    ).toBe(429);

    const proxied = await start({
      env: { TRUST_PROXY: 'true' },
      overrides: { limits: { subscribePerWindow: 1 } },
    });
    expect(
      (await proxied.post('/subscribe', { email: 'a@example.com' }, spoof('9.9.9.9, 1.1.1.1')))
        .status,
    ).toBe(200);
    expect(
      (await proxied.post('/subscribe', { email: 'b@example.com' }, spoof('9.9.9.9, 2.2.2.2')))
        .status,
    ).toBe(200);
    expect(
      (await proxied.post('/subscribe', { email: 'c@example.com' }, spoof('2.2.2.2'))).status,
    ).toBe(429);
  });

  it('shows a generic 500 page, never the stack, and logs the error', async () => {
    const boom = () => {
      throw new Error('secret internals at /srv/app/ledger.ts:42');
    };
    const s = await start({ overrides: { ledger: { get: boom, sentWeeks: boom } } });
    const res = await s.get('/');
    expect(res.status).toBe(500);
    const html = await res.text();
    expect(html).toContain('Something went wrong');
    expect(html).not.toContain('secret internals');
    expect(html).not.toContain('.ts:');
    const logged = s.logs.map((l) => JSON.parse(l)).find((l) => l.event === 'request failed');
    expect(logged.error).toContain('secret internals');
    expect(logged.stack).toContain('Error: secret internals');
  });

  it('times out a request that takes too long (504) with a page', async () => {
    const s = await start({ overrides: { limits: { requestTimeoutMs: 200 } } });
    // A client that sends its headers and then only part of the form: parsing waits for the rest.
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${s.url}/subscribe`, {
        method: 'POST',
        headers: {
          origin: s.url,
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': '100',
        },
      });
      req.on('response', (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          body += c;
        });
        res.on('end', () => {
          req.destroy();
          resolve({ status: res.statusCode ?? 0, body });
        });
      });
      req.on('error', reject);
      req.write('email=ann%40exa');
    });
    expect(answer.status).toBe(504);
    expect(answer.body).toContain('This took too long');
  });

  it('logs one JSON line per request with token path segments masked', async () => {
    const s = await start();
    const token = unsubscribeToken({ baseUrl: '', secret: SECRET }, 1);
    await s.get(routes.unsubscribe(token));
    await s.get(`/confirm/${token}`);
    await s.get(routes.vote('2026-W48', 'p', 't', token));
    await s.get('/subscribe?email=ann%40example.com');
    const lines = s.logs.map((l) => JSON.parse(l));
    const paths = lines.filter((l) => l.event === 'request').map((l) => l.path);
    expect(paths).toEqual([
      '/unsubscribe/:token',
      '/confirm/:token',
      '/vote/2026-W48/p/t/:token',
      '/subscribe',
    ]);
    const all = s.logs.join('');
    expect(all).not.toContain(token);
    expect(all).not.toContain(token.split('.').at(-1));
    expect(all).not.toContain('ann@example.com');
    expect(all).not.toContain(SECRET);
  });

  it('answers unknown pages with a 404 page', async () => {
    const s = await start();
    const res = await s.get('/wp-login.php');
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('Page not found');
  });
});
