// Report figures (sends, events per type and detail, unique clickers, subscriber changes,
// votes) for one week and for all, and the list-hygiene rules that write the changes.
import { describe, expect, it } from 'vitest';
import type { Store } from '../../../src/store/index.ts';
import { addReaders, at, messageId, type OpenStore, sendWeek, useStores } from './fixture.ts';
import { sortBy } from './votes-events.ts';

const event = (
  week: string,
  subscriberId: number,
  type: string,
  svixId: string,
  detail?: string,
) => ({
  svixId,
  type,
  email: null,
  messageId: messageId(week, subscriberId),
  createdAt: at(10),
  payload: {},
  detail: detail ?? null,
});

let svix = 0;
async function softBounce(store: Store, week: string, id: number) {
  await store.events.record(event(week, id, 'email.bounced', `sb-${++svix}`, 'soft'));
}

export function statsContract(_name: string, open: OpenStore): void {
  describe('stats figures', () => {
    const stores = useStores(open);

    it('counts sends, events, clickers, changes and votes for a week and for all weeks', async () => {
      const store = await stores.fresh();
      const ids = (await addReaders(store, 4)).map((s) => s.id);
      const [a, b, c, d] = ids as [number, number, number, number];
      await sendWeek(store, '2026-W47', {
        id: (w, s) => (s === d ? `outbox-${s}` : messageId(w, s)),
      });
      await store.subscribers.setStatus(d, 'unsubscribed', at(4));
      await sendWeek(store, '2026-W48', { finish: false });
      const W = '2026-W47';
      await store.events.record(event(W, a, 'email.delivered', 'd1'));
      await store.events.record(event(W, b, 'email.delivered', 'd2'));
      await store.events.record(event(W, a, 'email.clicked', 'c1', 'https://x.example/1'));
      await store.events.record(event(W, a, 'email.clicked', 'c2', 'https://x.example/1'));
      await store.events.record(event(W, a, 'email.clicked', 'c3', 'https://x.example/2'));
      await store.events.record(event(W, b, 'email.clicked', 'c4', 'https://x.example/2'));
      await store.events.record(event(W, c, 'email.bounced', 'b1', 'hard'));
      await store.events.record(event('2026-W48', a, 'email.delivered', 'd3'));
      expect(await store.hygiene.recordChange(W, d, 'unsubscribed', at(5))).toBe(true);
      await store.votes.cast({ subscriberId: a, pairId: 'p', toolId: 't1', week: W, now: at(6) });
      await store.votes.cast({ subscriberId: b, pairId: 'p', toolId: 't1', week: W, now: at(6) });
      await store.votes.cast({ subscriberId: c, pairId: 'p', toolId: 't2', week: W, now: at(6) });

      const one = await store.stats.figures(W);
      expect(one.sends).toEqual([
        {
          week: W,
          status: 'sent',
          finishedAt: at(3).toISOString(),
          recipients: 4,
          submitted: 4,
          refused: 0,
          viaOutbox: 1,
        },
      ]);
      expect(sortBy(one.events, (e) => `${e.type} ${e.detail}`)).toEqual([
        { week: W, type: 'email.bounced', detail: 'hard', total: 1, readers: 1 },
        { week: W, type: 'email.clicked', detail: 'https://x.example/1', total: 2, readers: 1 },
        { week: W, type: 'email.clicked', detail: 'https://x.example/2', total: 2, readers: 2 },
        { week: W, type: 'email.delivered', detail: null, total: 2, readers: 2 },
      ]);
      expect(one.clickers).toEqual([{ week: W, readers: 2 }]);
      expect(one.changes).toEqual([{ week: W, change: 'unsubscribed', readers: 1 }]);
      expect(sortBy(one.votes, (v) => v.toolId)).toEqual([
        { week: W, pairId: 'p', toolId: 't1', votes: 2 },
        { week: W, pairId: 'p', toolId: 't2', votes: 1 },
      ]);
      for (const n of [
        one.sends[0]!.recipients,
        one.events[0]!.total,
        one.events[0]!.readers,
        one.clickers[0]!.readers,
        one.changes[0]!.readers,
        one.votes[0]!.votes,
      ]) {
        expect(typeof n).toBe('number');
      }

      const all = await store.stats.figures();
      // Newest first.
      expect(all.sends).toEqual([
        {
          week: '2026-W48',
          status: 'sending',
          finishedAt: null,
          recipients: 3,
          submitted: 3,
          refused: 0,
          viaOutbox: 0,
        },
        one.sends[0],
      ]);
      expect(all.events).toHaveLength(5);
      expect(all.events).toContainEqual({
        week: '2026-W48',
        type: 'email.delivered',
        detail: null,
        total: 1,
        readers: 1,
      });
      expect(await store.stats.figures('2026-W01')).toEqual({
        sends: [],
        events: [],
        clickers: [],
        changes: [],
        votes: [],
        refusals: [],
      });
    });
  });

  describe('list hygiene', () => {
    const stores = useStores(open);

    it('recordChange counts a change once, and only for a reader the issue was sent to', async () => {
      const store = await stores.fresh();
      const [a] = await addReaders(store, 1);
      await sendWeek(store, '2026-W48');
      const [late] = await addReaders(store, 1, 2);
      expect(await store.hygiene.recordChange('2026-W48', a!.id, 'unsubscribed', at(5))).toBe(true);
      expect(await store.hygiene.recordChange('2026-W48', a!.id, 'unsubscribed', at(6))).toBe(
        false,
      );
      expect(await store.hygiene.recordChange('2026-W48', late!.id, 'unsubscribed', at(6))).toBe(
        false,
      );
      expect(await store.hygiene.recordChange('2026-W47', a!.id, 'unsubscribed', at(6))).toBe(
        false,
      );
      expect((await store.stats.figures()).changes).toEqual([
        { week: '2026-W48', change: 'unsubscribed', readers: 1 },
      ]);
    });

    it('suppresses a reader undeliverable on its last 3 issues in a row, and counts it in that issue', async () => {
      const store = await stores.fresh();
      const [a, b] = (await addReaders(store, 2)).map((s) => s.id) as [number, number];
      for (const week of ['2026-W46', '2026-W47', '2026-W48']) await sendWeek(store, week);
      await softBounce(store, '2026-W46', a);
      await softBounce(store, '2026-W48', a);
      expect(await store.hygiene.applySoftBounceRule('2026-W48', a, 3, at(20))).toBe(false); // W47 delivered
      await softBounce(store, '2026-W47', b);
      await softBounce(store, '2026-W48', b);
      expect(await store.hygiene.applySoftBounceRule('2026-W48', b, 3, at(20))).toBe(false);
      await softBounce(store, '2026-W46', b);
      expect(await store.hygiene.applySoftBounceRule('2026-W46', b, 3, at(21))).toBe(true);
      expect(await store.subscribers.getById(b)).toMatchObject({
        status: 'bounced',
        updatedAt: at(21).toISOString(),
      });
      expect(await store.subscribers.getById(a)).toMatchObject({ status: 'active' });
      // Not active any more: nothing to do.
      expect(await store.hygiene.applySoftBounceRule('2026-W46', b, 3, at(22))).toBe(false);
      expect((await store.stats.figures()).changes).toEqual([
        { week: '2026-W46', change: 'soft_bounce_suppressed', readers: 1 },
      ]);
      // Fewer issues than the limit: never suppressed.
      expect(await store.hygiene.applySoftBounceRule('2026-W48', a, 4, at(22))).toBe(false);
    });

    it("an address's own failures count; a failure that hit the whole issue does not", async () => {
      const store = await stores.fresh();
      const [a, b, c] = (await addReaders(store, 3)).map((s) => s.id) as [number, number, number];
      const alone = async (week: string) => {
        await sendWeek(store, week);
        await store.events.record(event(week, b, 'email.delivered', `${week}-d`));
        await store.events.record(event(week, a, 'email.failed', `${week}-f`, ''));
      };
      await alone('2026-W46');
      await alone('2026-W47');
      await sendWeek(store, '2026-W48');
      for (const id of [a, b, c])
        await store.events.record(event('2026-W48', id, 'email.failed', `W48-${id}`, ''));
      expect(await store.hygiene.applySoftBounceRule('2026-W48', a, 3, at(30))).toBe(false);
      await alone('2026-W49');
      await alone('2026-W50');
      expect(await store.hygiene.applySoftBounceRule('2026-W50', a, 3, at(31))).toBe(false); // W48 broke it
      await alone('2026-W51');
      expect(await store.hygiene.applySoftBounceRule('2026-W51', a, 3, at(32))).toBe(true);
      expect((await store.subscribers.getById(a))?.status).toBe('bounced');
    });
  });
}
