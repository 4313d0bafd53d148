import { describe, expect, it } from 'vitest';
import { createMailQueue } from '../../src/store/mail-queue.ts';
import { createSubscribers } from '../../src/store/subscribers.ts';
import { at, useDb } from './db-fixture.ts';

const open = useDb();

const setup = () => {
  const db = open();
  const s = createSubscribers(db).add('ann+1@example.com', { source: 'form', now: at(0) });
  if (!s.ok) throw new Error(s.error);
  return { db, queue: createMailQueue(db), id: s.value.id };
};

describe('mail queue', () => {
  it('claims each due row once, oldest first, and leaves kinds it does not know', () => {
    const { db, queue, id } = setup();
    db.prepare(
      `INSERT INTO mail_queue (kind, subscriber_id, mailbox, status, created_at, next_attempt_at)
       VALUES ('welcome-from-the-future', ?, 'ann@example.com', 'queued', ?, ?)`,
    ).run(id, at(0).toISOString(), at(0).toISOString());
    const first = queue.enqueue('confirm', id, 'ann@example.com', at(1));
    const second = queue.enqueue('confirm', id, 'ann@example.com', at(2));
    expect(queue.claim(at(1), at(-600))?.id).toBe(first);
    expect(queue.claim(at(1), at(-600))).toBeUndefined(); // the second is not due yet
    expect(queue.claim(at(2), at(-600))).toMatchObject({ id: second, attempts: 1 });
    expect(queue.claim(at(3), at(-600))).toBeUndefined();
    expect(queue.countByStatus()).toMatchObject({ queued: 1, sending: 2 });
  });

  it('takes a stale `sending` row again, counting the attempt; a retry waits until due', () => {
    const { queue, id } = setup();
    const m = queue.enqueue('confirm', id, 'ann@example.com', at(0));
    queue.claim(at(0), at(-600));
    expect(queue.claim(at(10), at(-1))).toBeUndefined(); // claimed at 0, stale only before -1
    expect(queue.claim(at(400), at(100))).toMatchObject({ id: m, attempts: 2 });
    queue.retryAt(m, at(500), 'retryable: 503');
    expect(queue.claim(at(499), at(0))).toBeUndefined();
    expect(queue.claim(at(500), at(0))).toMatchObject({ id: m, attempts: 3 });
    queue.sent(m, 'msg-1', at(501));
    expect(queue.claim(at(9999), at(9000))).toBeUndefined();
    expect(queue.countByStatus()).toMatchObject({ sent: 1, queued: 0, sending: 0 });
  });

  it('counts by mailbox and kind inside a window, whatever became of the rows', () => {
    const { queue, id } = setup();
    const a = queue.enqueue('confirm', id, 'ann@example.com', at(0));
    queue.enqueue('confirm', id, 'bob@example.com', at(10));
    queue.failed(a, 'rejected', at(1));
    expect(queue.countForMailbox('confirm', 'ann@example.com', at(-1))).toBe(1);
    expect(queue.countForMailbox('confirm', 'ann@example.com', at(0))).toBe(0);
    expect(queue.countSince('confirm', at(-1))).toBe(2);
    expect(queue.countSince('confirm', at(5))).toBe(1);
  });
});
