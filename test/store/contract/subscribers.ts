// Subscribers: one row per address (unique without regard to case), status changes and their
// stamps, names, paging, removal, the confirmation stamp and the once-per-reader welcome.
import { describe, expect, it } from 'vitest';
import { Subscriber } from '../../../src/store/index.ts';
import {
  add,
  addReaders,
  at,
  bulkAdd,
  collect,
  messageId,
  type OpenStore,
  reader,
  sendWeek,
  useStores,
} from './fixture.ts';

export function subscribersContract(_name: string, open: OpenStore): void {
  describe('subscribers', () => {
    const stores = useStores(open);

    it('adds a normalised address, finds it by id and by email in any case; ids are numbers', async () => {
      const store = await stores.fresh();
      const added = await store.subscribers.add(' Ada@Example.COM ', {
        name: ' Ada ',
        source: 'cli',
        now: at(0),
      });
      if (!added.ok) throw new Error(added.error);
      expect(typeof added.value.id).toBe('number');
      expect(Subscriber.parse(added.value)).toEqual({
        id: added.value.id,
        email: 'Ada@example.com',
        name: 'Ada',
        status: 'pending',
        source: 'cli',
        createdAt: at(0).toISOString(),
        updatedAt: at(0).toISOString(),
        confirmedAt: null,
        unsubscribedAt: null,
        confirmSentAt: null,
        welcomedAt: null,
        topics: null,
        pausedIssues: 0,
      });
      const byId = await store.subscribers.getById(added.value.id);
      expect(byId).toEqual(added.value);
      expect(typeof byId?.id).toBe('number');
      expect(await store.subscribers.getByEmail('ADA@EXAMPLE.COM')).toEqual(added.value);
      expect(await store.subscribers.getByEmail(' ada@example.com ')).toEqual(added.value);
      expect(await store.subscribers.getByEmail('nobody@example.com')).toBeUndefined();
      expect(await store.subscribers.getById(added.value.id + 1000)).toBeUndefined();
    });

    it('refuses the same address in another case, and an invalid one', async () => {
      const store = await stores.fresh();
      await add(store, 'ada@example.com');
      expect(
        await store.subscribers.add('ADA@Example.com', { source: 'form', now: at(1) }),
      ).toEqual({ ok: false, error: 'exists' });
      expect(await store.subscribers.add('not an address', { source: 'cli', now: at(1) })).toEqual({
        ok: false,
        error: 'invalid_email',
      });
      const counts = await store.subscribers.countByStatus();
      expect(counts).toEqual({ pending: 1, active: 0, unsubscribed: 0, bounced: 0, complained: 0 });
      for (const n of Object.values(counts)) expect(typeof n).toBe('number');
    });

    it('adding as active stamps confirmedAt; as unsubscribed, unsubscribedAt', async () => {
      const store = await stores.fresh();
      expect(await add(store, 'a@example.com', { status: 'active', now: at(5) })).toMatchObject({
        status: 'active',
        confirmedAt: at(5).toISOString(),
        unsubscribedAt: null,
      });
      expect(
        await add(store, 'b@example.com', { status: 'unsubscribed', now: at(6) }),
      ).toMatchObject({
        status: 'unsubscribed',
        confirmedAt: null,
        unsubscribedAt: at(6).toISOString(),
      });
    });

    it('status changes stamp confirmedAt / unsubscribedAt; the same status changes nothing', async () => {
      const store = await stores.fresh();
      const { id } = await add(store, 'a@example.com', { source: 'form' });
      expect(await store.subscribers.setStatus(id, 'active', at(10))).toMatchObject({
        id,
        status: 'active',
        confirmedAt: at(10).toISOString(),
        updatedAt: at(10).toISOString(),
        unsubscribedAt: null,
      });
      const again = await store.subscribers.setStatus(id, 'active', at(20));
      expect(again).toMatchObject({
        confirmedAt: at(10).toISOString(),
        updatedAt: at(10).toISOString(),
      });
      expect(await store.subscribers.setStatus(id, 'unsubscribed', at(30))).toMatchObject({
        status: 'unsubscribed',
        confirmedAt: at(10).toISOString(),
        unsubscribedAt: at(30).toISOString(),
      });
      expect((await store.subscribers.setStatus(id, 'bounced', at(40)))?.status).toBe('bounced');
      expect((await store.subscribers.getById(id))?.status).toBe('bounced');
      expect(await store.subscribers.setStatus(id + 9999, 'active', at(40))).toBeUndefined();
    });

    it('setName cleans the name, clears it with null, and says undefined for no such id', async () => {
      const store = await stores.fresh();
      const { id } = await add(store, 'a@example.com', { name: 'Old' });
      expect(await store.subscribers.setName(id, '  Ada\n Lovelace ', at(7))).toMatchObject({
        name: 'Ada Lovelace',
        updatedAt: at(7).toISOString(),
      });
      expect((await store.subscribers.setName(id, null, at(8)))?.name).toBeNull();
      expect((await store.subscribers.getById(id))?.name).toBeNull();
      expect(await store.subscribers.setName(id + 9999, 'X', at(8))).toBeUndefined();
    });

    it('markConfirmSent records when the opt-in mail went out', async () => {
      const store = await stores.fresh();
      const { id } = await add(store, 'a@example.com', { source: 'form' });
      await store.subscribers.markConfirmSent(id, at(3));
      expect(await store.subscribers.getById(id)).toMatchObject({
        confirmSentAt: at(3).toISOString(),
        updatedAt: at(3).toISOString(),
      });
    });

    it('claimWelcome is true once per active reader; releaseWelcome gives back only that claim', async () => {
      const store = await stores.fresh();
      const pending = await add(store, 'p@example.com');
      const { id } = await add(store, 'a@example.com', { status: 'active' });
      expect(await store.subscribers.claimWelcome(pending.id, at(1))).toBe(false);
      expect(await store.subscribers.claimWelcome(id, at(1))).toBe(true);
      expect(await store.subscribers.claimWelcome(id, at(2))).toBe(false);
      expect((await store.subscribers.getById(id))?.welcomedAt).toBe(at(1).toISOString());
      await store.subscribers.releaseWelcome(id, at(2)); // not the claim's time: nothing
      expect((await store.subscribers.getById(id))?.welcomedAt).toBe(at(1).toISOString());
      await store.subscribers.releaseWelcome(id, at(1));
      expect((await store.subscribers.getById(id))?.welcomedAt).toBeNull();
      expect(await store.subscribers.claimWelcome(id, at(3))).toBe(true);
      expect(await store.subscribers.claimWelcome(id + 9999, at(3))).toBe(false);
    });

    it('list walks every page in id order, filters by status, and allows writes meanwhile', async () => {
      const store = await stores.fresh();
      await bulkAdd(store, 1203, (i) => (i % 3 === 0 ? 'active' : 'pending'));
      const it = store.subscribers.list();
      expect(Array.isArray(it)).toBe(false);
      expect(typeof it[Symbol.asyncIterator]).toBe('function');
      let n = 0;
      let last = 0;
      for await (const s of it) {
        expect(typeof s.id).toBe('number');
        expect(s.id).toBeGreaterThan(last);
        last = s.id;
        // A write while the list is open.
        if (n === 10) await store.subscribers.setStatus(s.id, 'unsubscribed', at(5000));
        n++;
      }
      expect(n).toBe(1203);
      expect(await collect(store.subscribers.list({ status: 'active' }))).toHaveLength(401);
      expect(
        (await collect(store.subscribers.list({ status: 'unsubscribed' }))).map((s) => s.email),
      ).toEqual([reader(11)]);
      expect(await store.subscribers.countByStatus()).toEqual({
        pending: 801,
        active: 401,
        unsubscribed: 1,
        bounced: 0,
        complained: 0,
      });
      expect(await collect(store.subscribers.list({ status: 'complained' }))).toEqual([]);
    });

    it('remove deletes an address with no history, only unsubscribes one with history', async () => {
      const store = await stores.fresh();
      const sent = await add(store, 'sent@example.com', { status: 'active' });
      const frozen = await store.ledger.freeze('2026-W35', 'h', at(1));
      expect(frozen.ok).toBe(true);
      const fresh = await add(store, 'fresh@example.com', { status: 'active' });
      const voter = await add(store, 'voter@example.com', { status: 'active' });
      await store.votes.cast({
        subscriberId: voter.id,
        pairId: 'p',
        toolId: 't',
        week: '2026-W35',
        now: at(2),
      });

      expect(await store.subscribers.remove('FRESH@example.com', at(9))).toBe('deleted');
      expect(await store.subscribers.getById(fresh.id)).toBeUndefined();
      expect(await store.subscribers.remove('sent@example.com', at(9))).toBe('unsubscribed');
      expect(await store.subscribers.getById(sent.id)).toMatchObject({
        status: 'unsubscribed',
        unsubscribedAt: at(9).toISOString(),
      });
      expect(await store.subscribers.remove('voter@example.com', at(9))).toBe('unsubscribed');
      expect(await store.subscribers.remove('nobody@example.com', at(9))).toBe('not_found');
      // A deleted address may come back as a new row.
      expect(
        (await store.subscribers.add('fresh@example.com', { source: 'cli', now: at(10) })).ok,
      ).toBe(true);
    });

    it('topics: null is everything (the default); a list is kept sorted and unique; bad slugs refused', async () => {
      const store = await stores.fresh();
      const s = await add(store, 'ada@example.com', { status: 'active' });
      expect(s).toMatchObject({ topics: null, pausedIssues: 0 });
      const set = await store.subscribers.setTopics(s.id, ['vision', ' Coding ', 'vision'], at(5));
      expect(set).toEqual({
        ok: true,
        value: expect.objectContaining({ topics: ['coding', 'vision'] }),
      });
      expect(set.ok && set.value.updatedAt).toBe(at(5).toISOString());
      expect((await store.subscribers.getById(s.id))?.topics).toEqual(['coding', 'vision']);
      expect(await store.subscribers.setTopics(s.id, ['Not a slug!'], at(6))).toEqual({
        ok: false,
        error: 'invalid_topics',
      });
      expect((await store.subscribers.getById(s.id))?.topics).toEqual(['coding', 'vision']);
      const none = await store.subscribers.setTopics(s.id, [], at(7));
      expect(none.ok && none.value.topics).toEqual([]);
      const all = await store.subscribers.setTopics(s.id, null, at(8));
      expect(all.ok && all.value.topics).toBeNull();
      expect(await store.subscribers.setTopics(s.id + 1000, null, at(8))).toEqual({
        ok: false,
        error: 'not_found',
      });
      // Listing carries them too.
      await store.subscribers.setTopics(s.id, ['coding'], at(9));
      expect((await collect(store.subscribers.list()))[0]).toMatchObject({ topics: ['coding'] });
    });

    it('pause(n) keeps n issues to skip, a new pause replaces it, resume ends it; 1–52 only', async () => {
      const store = await stores.fresh();
      const s = await add(store, 'ada@example.com', { status: 'active' });
      const p = await store.subscribers.pause(s.id, 4, at(5));
      expect(p.ok && p.value).toMatchObject({ pausedIssues: 4, updatedAt: at(5).toISOString() });
      const again = await store.subscribers.pause(s.id, 2, at(6));
      expect(again.ok && again.value.pausedIssues).toBe(2);
      for (const bad of [0, -1, 53, 2.5]) {
        expect(await store.subscribers.pause(s.id, bad, at(7))).toEqual({
          ok: false,
          error: 'invalid_pause',
        });
      }
      expect(typeof (await store.subscribers.getById(s.id))?.pausedIssues).toBe('number');
      expect(await store.subscribers.resume(s.id, at(8))).toMatchObject({ pausedIssues: 0 });
      expect(await store.subscribers.pause(s.id + 1000, 2, at(8))).toEqual({
        ok: false,
        error: 'not_found',
      });
      expect(await store.subscribers.resume(s.id + 1000, at(8))).toBeUndefined();
    });

    it('erasing a reader clears their topics and pause with everything else', async () => {
      const store = await stores.fresh();
      const s = await add(store, 'ada@example.com', { status: 'active' });
      await store.subscribers.setTopics(s.id, ['coding'], at(1));
      await store.subscribers.pause(s.id, 8, at(1));
      expect((await store.forget('ada@example.com', at(2))).ok).toBe(true);
      expect(await store.subscribers.getById(s.id)).toBeUndefined();
    });

    it("history: the reader's issues (with variant and skip reason), votes and mail events", async () => {
      const store = await stores.fresh();
      const a = await add(store, 'ada@example.com', { status: 'active' });
      const b = await add(store, 'bob@example.com', { status: 'active' });
      await sendWeek(store, '2026-W48');
      await store.subscribers.pause(a.id, 2, at(4));
      await store.ledger.freeze('2026-W49', 'h', at(5));
      await store.votes.cast({
        subscriberId: a.id,
        pairId: 'p',
        toolId: 't',
        week: '2026-W48',
        now: at(6),
      });
      await store.events.recordLinked({
        svixId: 'x',
        type: 'email.delivered',
        email: null,
        messageId: messageId('2026-W48', a.id),
        createdAt: at(7),
        payload: {},
      });
      const h = await store.subscribers.history(a.id);
      expect(h).toEqual({
        issues: [
          {
            week: '2026-W48',
            status: 'sent',
            variant: null,
            skipReason: null,
            messageId: messageId('2026-W48', a.id),
          },
          {
            week: '2026-W49',
            status: 'skipped',
            variant: null,
            skipReason: 'paused',
            messageId: null,
          },
        ],
        votes: [{ week: '2026-W48', pairId: 'p', toolId: 't', votedAt: at(6).toISOString() }],
        events: [
          {
            type: 'email.delivered',
            createdAt: at(7).toISOString(),
            week: '2026-W48',
            detail: null,
          },
        ],
      });
      expect((await store.subscribers.history(b.id))?.votes).toEqual([]);
      expect(await store.subscribers.history(b.id + 1000)).toBeUndefined();
    });

    it('topicChoices counts the active list: everything, each topic, and the paused', async () => {
      const store = await stores.fresh();
      const [a, b, c, d] = await addReaders(store, 4);
      await add(store, 'gone@example.com', { status: 'unsubscribed' });
      await store.subscribers.setTopics(b!.id, ['vision', 'coding'], at(1));
      await store.subscribers.setTopics(c!.id, ['coding'], at(1));
      await store.subscribers.pause(d!.id, 2, at(1));
      expect(await store.subscribers.topicChoices()).toEqual({
        active: 4,
        everything: 2,
        paused: 1,
        byTopic: { coding: 2, vision: 1 },
      });
      expect(a).toBeDefined();
    });
  });
}
