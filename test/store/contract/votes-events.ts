// Votes (one per reader per pair, changeable) and provider events (once per svix-id; linked to
// their issue and reader at once, or later when the ledger writes the message id).
import { describe, expect, it } from 'vitest';
import { addReaders, at, messageId, type OpenStore, sendWeek, useStores } from './fixture.ts';

const W = '2026-W48';

export function votesEventsContract(_name: string, open: OpenStore): void {
  describe('votes', () => {
    const stores = useStores(open);

    it('one vote per reader per pair, changeable; counts per pair are numbers', async () => {
      const store = await stores.fresh();
      const ids = (await addReaders(store, 3)).map((s) => s.id);
      const week = '2026-W35';
      expect(await store.votes.countsByPair()).toEqual(new Map());
      await store.votes.cast({
        subscriberId: ids[0]!,
        pairId: 'p1',
        toolId: 'x',
        week,
        now: at(1),
      });
      await store.votes.cast({
        subscriberId: ids[1]!,
        pairId: 'p1',
        toolId: 'x',
        week,
        now: at(1),
      });
      await store.votes.cast({
        subscriberId: ids[2]!,
        pairId: 'p1',
        toolId: 'y',
        week,
        now: at(1),
      });
      await store.votes.cast({
        subscriberId: ids[0]!,
        pairId: 'p2',
        toolId: 'z',
        week,
        now: at(1),
      });
      // The first reader changes their mind on p1.
      await store.votes.cast({
        subscriberId: ids[0]!,
        pairId: 'p1',
        toolId: 'y',
        week: '2026-W36',
        now: at(2),
      });
      const all = await store.votes.countsByPair();
      expect(all).toEqual(
        new Map([
          ['p1', { x: 1, y: 2 }],
          ['p2', { z: 1 }],
        ]),
      );
      expect(typeof all.get('p1')?.y).toBe('number');
      expect(await store.votes.countsByPair(['p2', 'none'])).toEqual(new Map([['p2', { z: 1 }]]));
      expect(await store.votes.countsByPair([])).toEqual(new Map());
      // The changed vote moved to its new week.
      expect((await store.stats.figures('2026-W36')).votes).toEqual([
        { week: '2026-W36', pairId: 'p1', toolId: 'y', votes: 1 },
      ]);
    });
  });

  describe('events', () => {
    const stores = useStores(open);
    const event = {
      svixId: 'msg_1',
      type: 'email.bounced',
      email: 'a@example.com',
      messageId: 'em_1',
      createdAt: '2026-08-31T08:00:00.000Z',
      payload: '{"type":"email.bounced"}',
    };

    it('records an event once per svix-id; one with no svix-id is never deduplicated', async () => {
      const store = await stores.fresh();
      expect(await store.events.record(event)).toBe('recorded');
      expect(await store.events.record({ ...event, payload: { changed: true } })).toBe('duplicate');
      expect(await store.events.recordLinked(event)).toEqual({ outcome: 'duplicate', link: null });
      expect(await store.events.record({ ...event, svixId: 'msg_2', createdAt: at(1) })).toBe(
        'recorded',
      );
      expect(await store.events.record({ ...event, svixId: null })).toBe('recorded');
      expect(await store.events.record({ ...event, svixId: null })).toBe('recorded');
    });

    it('an event whose message id the ledger knows is linked at once; a replay is a duplicate', async () => {
      const store = await stores.fresh();
      const [a] = await addReaders(store, 2);
      await sendWeek(store, W);
      const r = await store.events.recordLinked({
        svixId: 'x',
        type: 'email.opened',
        email: null,
        messageId: messageId(W, a!.id),
        createdAt: at(5),
        payload: {},
      });
      expect(r).toEqual({ outcome: 'recorded', link: { week: W, subscriberId: a!.id } });
      if (r.outcome === 'recorded') expect(typeof r.link?.subscriberId).toBe('number');
      const unknown = await store.events.recordLinked({
        svixId: 'y',
        type: 'email.opened',
        email: null,
        messageId: 'em_unknown',
        createdAt: at(5),
        payload: {},
      });
      expect(unknown).toEqual({ outcome: 'recorded', link: null });
      expect(
        await store.events.recordLinked({
          svixId: 'x',
          type: 'email.opened',
          email: null,
          messageId: messageId(W, a!.id),
          createdAt: at(6),
          payload: {},
        }),
      ).toEqual({ outcome: 'duplicate', link: null });
      expect((await store.stats.figures(W)).events).toEqual([
        { week: W, type: 'email.opened', detail: null, total: 1, readers: 1 },
      ]);
    });

    it('an event that came before the ledger wrote its message id is linked when it is written', async () => {
      const store = await stores.fresh();
      const [a, b] = await addReaders(store, 2);
      await store.ledger.freeze(W, 'h', at(0));
      // The webhook races the send: delivered (twice, two deliveries) before the ids are stored.
      for (const svixId of ['early-1', 'early-2']) {
        expect(
          await store.events.recordLinked({
            svixId,
            type: 'email.delivered',
            email: null,
            messageId: messageId(W, a!.id),
            createdAt: at(1),
            payload: {},
          }),
        ).toEqual({ outcome: 'recorded', link: null });
      }
      await store.events.record({
        svixId: 'early-b',
        type: 'email.bounced',
        email: null,
        messageId: messageId(W, b!.id),
        createdAt: at(1),
        payload: {},
        detail: 'soft',
      });
      expect((await store.stats.figures(W)).events).toEqual([]);
      await store.ledger.startAttempt(W, 0, at(1));
      const rs = await store.ledger.queuedRecipients(W, 0);
      await store.ledger.markSubmitted(
        W,
        0,
        rs.map((r) => r.subscriberId),
        rs.map((r) => messageId(W, r.subscriberId)),
        at(2),
      );
      const events = (await store.stats.figures(W)).events;
      expect(sortBy(events, (e) => e.type)).toEqual([
        { week: W, type: 'email.bounced', detail: 'soft', total: 1, readers: 1 },
        { week: W, type: 'email.delivered', detail: null, total: 2, readers: 1 },
      ]);
      // Linked now: a later event of the same message is linked at once.
      expect(
        await store.events.recordLinked({
          svixId: 'late',
          type: 'email.opened',
          email: null,
          messageId: messageId(W, b!.id),
          createdAt: at(3),
          payload: {},
        }),
      ).toEqual({ outcome: 'recorded', link: { week: W, subscriberId: b!.id } });
    });
  });
}

export const sortBy = <T>(xs: readonly T[], key: (x: T) => string): T[] =>
  [...xs].sort((p, q) => (key(p) < key(q) ? -1 : key(p) > key(q) ? 1 : 0));
