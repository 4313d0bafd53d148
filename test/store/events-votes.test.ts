import { describe, expect, it } from 'vitest';
import { createEvents } from '../../src/store/events.ts';
import { createSubscribers } from '../../src/store/subscribers.ts';
import { createVotes } from '../../src/store/votes.ts';
import { at, useDb } from './db-fixture.ts';

const openDb = useDb();

describe('events', () => {
  it('records an event once per svix-id', () => {
    const db = openDb();
    const events = createEvents(db);
    const e = {
      svixId: 'msg_1',
      type: 'email.bounced',
      email: 'a@example.com',
      messageId: 'em_1',
      createdAt: '2026-08-31T08:00:00.000Z',
      payload: '{"type":"email.bounced"}',
    };
    expect(events.record(e)).toBe('recorded');
    expect(events.record({ ...e, payload: { changed: true } })).toBe('duplicate');
    expect(events.record({ ...e, svixId: 'msg_2', createdAt: at(1) })).toBe('recorded');
    const rows = db.prepare('SELECT svix_id, payload, created_at FROM events ORDER BY id').all();
    expect(rows).toEqual([
      {
        svix_id: 'msg_1',
        payload: '{"type":"email.bounced"}',
        created_at: '2026-08-31T08:00:00.000Z',
      },
      { svix_id: 'msg_2', payload: '{"type":"email.bounced"}', created_at: at(1).toISOString() },
    ]);
  });
});

describe('votes', () => {
  it('one vote per subscriber per pair, changeable; counts per pair', () => {
    const db = openDb();
    const subs = createSubscribers(db);
    const ids = ['a', 'b', 'c'].map((n) => {
      const r = subs.add(`${n}@example.com`, { source: 'cli', status: 'active', now: at(0) });
      if (!r.ok) throw new Error('add failed');
      return r.value.id;
    });
    const votes = createVotes(db);
    const week = '2026-W35';
    votes.cast({ subscriberId: ids[0]!, pairId: 'p1', toolId: 'x', week, now: at(1) });
    votes.cast({ subscriberId: ids[1]!, pairId: 'p1', toolId: 'x', week, now: at(1) });
    votes.cast({ subscriberId: ids[2]!, pairId: 'p1', toolId: 'y', week, now: at(1) });
    votes.cast({ subscriberId: ids[0]!, pairId: 'p2', toolId: 'z', week, now: at(1) });
    // a changes their mind on p1
    votes.cast({ subscriberId: ids[0]!, pairId: 'p1', toolId: 'y', week, now: at(2) });

    expect(votes.countsByPair()).toEqual(
      new Map([
        ['p1', { x: 1, y: 2 }],
        ['p2', { z: 1 }],
      ]),
    );
    expect(votes.countsByPair(['p2', 'none'])).toEqual(new Map([['p2', { z: 1 }]]));
    expect(votes.countsByPair([])).toEqual(new Map());
  });
});
