import { describe, expect, it } from 'vitest';
import { routes, unsubscribeToken } from '../../src/links.ts';
import { SECRET, type TestServer, useServer } from './web-fixture.ts';

const start = useServer();

const reader = (s: TestServer, email = 'reader@example.com') => {
  const added = s.subscribers.add(email, { source: 'cli', status: 'active', now: s.clock.now });
  if (!added.ok) throw new Error(added.error);
  const path = routes.unsubscribe(
    unsubscribeToken({ baseUrl: '', secret: SECRET }, added.value.id),
  );
  return { id: added.value.id, path };
};

describe('unsubscribe', () => {
  it('shows a page on GET without changing anything; the button unsubscribes at once', async () => {
    const s = await start();
    const r = reader(s);
    const page = await s.get(r.path);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Unsubscribe?');
    expect(html).toContain('name="action" value="unsubscribe"');
    expect(s.subscribers.getById(r.id)?.status).toBe('active');

    const done = await s.post(r.path, { action: 'unsubscribe' });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('You are unsubscribed');
    expect(s.subscribers.getById(r.id)?.status).toBe('unsubscribed');
    expect(s.subscribers.getById(r.id)?.unsubscribedAt).toBe(s.clock.now.toISOString());
  });

  it('honours the RFC 8058 one-click POST from a mail provider with an empty 200', async () => {
    const s = await start();
    const r = reader(s);
    // As Gmail sends it: from its own servers, no Origin, no cookies, the fixed form body.
    const res = await fetch(s.url + r.path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    expect(s.subscribers.getById(r.id)?.status).toBe('unsubscribed');
    // Repeating it is harmless; multipart bodies are accepted too (RFC 8058 allows both).
    const form = new FormData();
    form.set('List-Unsubscribe', 'One-Click');
    const again = await fetch(s.url + r.path, { method: 'POST', body: form });
    expect(again.status).toBe(200);
    expect(await again.text()).toBe('');
  });

  it("checks the Origin of the page's own button (CSRF) but not of one-click", async () => {
    const s = await start();
    const r = reader(s);
    const foreign = await s.post(
      r.path,
      { action: 'unsubscribe' },
      { origin: 'https://evil.example' },
    );
    expect(foreign.status).toBe(403);
    const none = await fetch(s.url + r.path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'action=unsubscribe',
    });
    expect(none.status).toBe(403);
    expect(s.subscribers.getById(r.id)?.status).toBe('active');
  });

  it('offers a way back: the resubscribe button re-activates a confirmed reader', async () => {
    const s = await start();
    const r = reader(s);
    const done = await (await s.post(r.path, { action: 'unsubscribe' })).text();
    expect(done).toContain('name="action" value="resubscribe"');
    const back = await s.post(r.path, { action: 'resubscribe' });
    expect(back.status).toBe(200);
    expect(await back.text()).toContain('Welcome back');
    expect(s.subscribers.getById(r.id)?.status).toBe('active');
    // Visiting the link again after unsubscribing shows the done page with the way back.
    await s.post(r.path, { action: 'unsubscribe' });
    const again = await (await s.get(r.path)).text();
    expect(again).toContain('You are unsubscribed');
    expect(again).toContain('Resubscribe');
  });

  it('never re-activates a bounced or complained address, and unsubscribing keeps that status', async () => {
    const s = await start();
    const r = reader(s);
    s.subscribers.setStatus(r.id, 'complained', s.clock.now);
    expect((await s.post(r.path, { action: 'unsubscribe' })).status).toBe(200);
    expect(s.subscribers.getById(r.id)?.status).toBe('complained');
    expect(await (await s.get(r.path)).text()).not.toContain('Resubscribe');
    expect((await s.post(r.path, { action: 'resubscribe' })).status).toBe(410);
    expect(s.subscribers.getById(r.id)?.status).toBe('complained');
  });

  it('rejects forged and altered tokens, whatever the method, and changes nothing', async () => {
    const s = await start();
    const r = reader(s);
    const other = reader(s, 'other@example.com');
    const token = r.path.split('/').at(-1)!;
    const [, exp, sig] = token.split('.') as [string, string, string];
    const bad = [
      routes.unsubscribe(
        unsubscribeToken({ baseUrl: '', secret: 'wrong-secret-0123456789' }, r.id),
      ),
      `/unsubscribe/${other.id}.${exp}.${sig}`,
      `/unsubscribe/${r.id}.${exp}.${sig.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))}`,
      '/unsubscribe/garbage',
      routes.unsubscribe(unsubscribeToken({ baseUrl: '', secret: SECRET }, 9999)),
    ];
    for (const p of bad) {
      expect((await s.get(p)).status, p).toBe(404);
      expect((await s.post(p, { action: 'unsubscribe' })).status, p).toBe(404);
      const oneClick = await fetch(s.url + p, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
      expect(oneClick.status, p).toBe(404);
      expect(await oneClick.text()).toBe('');
    }
    expect(s.subscribers.getById(r.id)?.status).toBe('active');
    expect(s.subscribers.getById(other.id)?.status).toBe('active');
  });
});
