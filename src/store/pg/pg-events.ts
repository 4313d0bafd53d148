// Provider events on PostgreSQL: idempotent by svix-id as in events.ts, linked to the issue
// and reader through the ledger's message ids. With several writers an event can be recorded
// while the send that gives it its message id is being recorded; both take EVENT_LINK_LOCK
// (events shared, markSubmitted exclusive) so each statement sees the other's commit: the
// insert finds the recipient, or the link trigger on send_recipients finds the event.

import type { ProviderEvent, Recorded } from '../events.ts';
import type { EventsRepo } from '../face.ts';
import { inTransaction, one, type Queryable } from './queryable.ts';

/** 'evln' in ASCII: the advisory lock between event recording and markSubmitted. */
export const EVENT_LINK_LOCK = 0x65766c6e;

type Linked = { week: string | null; subscriber_id: number | null };

// The message id is unique to one recipient of one issue; an unknown one links nothing yet.
const INSERT = `INSERT INTO events (svix_id, type, email, message_id, created_at, payload, detail, week, subscriber_id)
   VALUES ($1, $2, $3, $4::text, $5, $6, $7,
     (SELECT week FROM send_recipients WHERE message_id = $4::text LIMIT 1),
     (SELECT subscriber_id FROM send_recipients WHERE message_id = $4::text LIMIT 1))
   ON CONFLICT (svix_id) DO NOTHING RETURNING week, subscriber_id`;

export function createPgEvents(q: Queryable): EventsRepo {
  const recordLinked = async (e: ProviderEvent): Promise<Recorded> => {
    const createdAt = e.createdAt instanceof Date ? e.createdAt.toISOString() : e.createdAt;
    const payload = typeof e.payload === 'string' ? e.payload : JSON.stringify(e.payload);
    const params = [e.svixId, e.type, e.email, e.messageId, createdAt, payload, e.detail ?? null];
    const row =
      e.messageId === null
        ? await one<Linked>(q, INSERT, params)
        : await inTransaction(q, async (c) => {
            await c.query('SELECT pg_advisory_xact_lock_shared($1)', [EVENT_LINK_LOCK]);
            return one<Linked>(c, INSERT, params);
          });
    if (!row) return { outcome: 'duplicate', link: null };
    const link =
      row.week !== null && row.subscriber_id !== null
        ? { week: row.week, subscriberId: row.subscriber_id }
        : null;
    return { outcome: 'recorded', link };
  };
  return {
    record: async (e) => (await recordLinked(e)).outcome,
    recordLinked,
  };
}
