// Unsubscribes counted against the issue whose link was used: the link's ?issue= survives the
// page's own button, and only a reader that issue was sent to is counted.
import { describe, expect, it } from 'vitest';
import { routes, unsubscribeToken } from '../../src/links.ts';
import { SECRET, type TestServer, useServer, WEEK } from './web-fixture.ts';

const start = useServer();

const reader = (s: TestServer, email: string, recipientOf?: string) => {
  const added = s.subscribers.add(email, { source: 'cli', status: 'active', now: s.clock.now });
  if (!added.ok) throw new Error(added.error);
  if (recipientOf)
    s.db
      .prepare(
        `INSERT INTO send_recipients (week, subscriber_id, batch_no, email, status, message_id) VALUES (?, ?, 0, ?, 'sent', ?)`,
      )
      .run(recipientOf, added.value.id, email, `em_${added.value.id}`);
  const token = unsubscribeToken({ baseUrl: '', secret: SECRET }, added.value.id);
  return { id: added.value.id, path: routes.unsubscribe(token) };
};
const changes = (s: TestServer) =>
  s.db
    .prepare('SELECT week, subscriber_id AS id, change FROM subscriber_changes ORDER BY id')
    .all();

describe('unsubscribes counted per issue', () => {
  it("the page's button keeps the link's issue, and the opt-out is counted against it", async () => {
    const s = await start();
    const ann = reader(s, 'ann@example.com', WEEK);
    const page = await (await s.get(`${ann.path}?issue=${WEEK}`)).text();
    // Handlebars writes '=' in an attribute as &#x3D;: the browser reads it back as '='.
    expect(page).toMatch(new RegExp(`action="[^"]*${ann.path}\\?issue(=|&#x3D;)${WEEK}"`));
    expect((await s.post(`${ann.path}?issue=${WEEK}`, { action: 'unsubscribe' })).status).toBe(200);
    expect(s.subscribers.getById(ann.id)?.status).toBe('unsubscribed');
    expect(changes(s)).toEqual([{ week: WEEK, id: ann.id, change: 'unsubscribed' }]);
  });

  it('a link without an issue, a malformed one, or one the reader was never sent still unsubscribes, counting nothing', async () => {
    const s = await start();
    const bob = reader(s, 'bob@example.com');
    const cat = reader(s, 'cat@example.com', WEEK);
    const dan = reader(s, 'dan@example.com', WEEK);
    await s.post(`${bob.path}?issue=${WEEK}`, { action: 'unsubscribe' }); // not a recipient
    await s.post(`${cat.path}?issue=soon'"<x>`, { action: 'unsubscribe' });
    await s.post(dan.path, { action: 'unsubscribe' });
    for (const r of [bob, cat, dan])
      expect(s.subscribers.getById(r.id)?.status).toBe('unsubscribed');
    expect(changes(s)).toEqual([]);
  });
});
