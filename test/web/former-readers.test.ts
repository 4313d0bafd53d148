// Links that outlive a subscription: a former reader's vote link no longer counts, and the
// resubscribe button says truthfully why it cannot re-activate an address never confirmed.
import { describe, expect, it } from 'vitest';
import { routes, unsubscribeToken, voteToken, voteUrl } from '../../src/links.ts';
import { PAIR, SECRET, type TestServer, TOOLS, useServer, WEEK } from './web-fixture.ts';

const start = useServer();
const links = { baseUrl: '', secret: SECRET };

const add = (s: TestServer, email: string, status: 'active' | 'pending') => {
  const r = s.subscribers.add(email, { source: 'cli', status, now: s.clock.now });
  if (!r.ok) throw new Error(r.error);
  return r.value.id;
};
const votePath = (id: number) => voteUrl(links, WEEK, PAIR, TOOLS[0], voteToken(links, id, WEEK));
const voteRows = (s: TestServer) => s.db.prepare('SELECT * FROM votes').all();

describe('votes from readers who are no longer active', () => {
  for (const status of ['unsubscribed', 'bounced', 'complained'] as const) {
    it(`refuses a vote from an ${status} reader, GET and POST, saying why`, async () => {
      const s = await start();
      const id = add(s, `${status}@example.com`, 'active');
      // The link worked while they were a reader.
      expect((await s.get(votePath(id))).status).toBe(200);
      s.subscribers.setStatus(id, status, s.clock.now);
      for (const res of [await s.get(votePath(id)), await s.post(votePath(id), {})]) {
        expect(res.status).toBe(403);
        const html = await res.text();
        expect(html).toContain('Only subscribers can vote');
        expect(html).toContain('no longer subscribed');
      }
      expect(voteRows(s)).toEqual([]);
    });
  }

  it('an active reader still votes', async () => {
    const s = await start();
    const id = add(s, 'ann@example.com', 'active');
    expect((await s.post(votePath(id), {})).status).toBe(200);
    expect(voteRows(s)).toHaveLength(1);
  });
});

describe('resubscribe on an address that never confirmed', () => {
  it('says it was never confirmed (not that it bounced) and changes nothing', async () => {
    const s = await start();
    const id = add(s, 'pending@example.com', 'pending');
    const path = routes.unsubscribe(unsubscribeToken(links, id));
    expect((await s.post(path, { action: 'unsubscribe' })).status).toBe(200);
    const res = await s.post(path, { action: 'resubscribe' });
    expect(res.status).toBe(409);
    const html = await res.text();
    expect(html).toContain('This address was never confirmed');
    expect(html).not.toMatch(/bounced|spam/);
    expect(s.subscribers.getById(id)?.status).toBe('unsubscribed');
  });
});
