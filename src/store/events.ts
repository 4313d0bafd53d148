// Provider events (Resend webhooks: bounces, complaints, deliveries), kept as received.
// Resend retries a delivery it thinks failed, so the same svix-id can arrive more than once:
// the UNIQUE svix_id makes recording idempotent and tells the caller whether to act on it.
// Each event is linked to its issue and reader through the message id the ledger keeps; an
// event that arrives first is linked by a trigger when the ledger writes the id (migrations).
import type { Db } from './db.ts';

export type ProviderEvent = {
  /** The `svix-id` header; null for an event with no delivery id (never deduplicated). */
  svixId: string | null;
  type: string;
  email: string | null;
  messageId: string | null;
  createdAt: Date | string;
  /** The raw body as received, or a value to store as JSON. */
  payload: unknown;
  /** What a report groups by: a bounce's class (hard/soft), a click's normalised link. */
  detail?: string | null;
};

/** The issue and reader an event belongs to, once the ledger knows its message id. */
export type EventLink = { week: string; subscriberId: number };
export type Recorded =
  | { outcome: 'recorded'; link: EventLink | null }
  | { outcome: 'duplicate'; link: null };

type Params = {
  svixId: string | null;
  type: string;
  email: string | null;
  messageId: string | null;
  createdAt: string;
  payload: string;
  detail: string | null;
};

export function createEvents(db: Db) {
  // The message id is unique to one recipient of one issue; an unknown one links nothing yet.
  const insert = db.prepare<[Params], { week: string | null; subscriber_id: number | null }>(
    `INSERT INTO events (svix_id, type, email, message_id, created_at, payload, detail, week, subscriber_id)
     VALUES (@svixId, @type, @email, @messageId, @createdAt, @payload, @detail,
       (SELECT week FROM send_recipients WHERE message_id = @messageId),
       (SELECT subscriber_id FROM send_recipients WHERE message_id = @messageId))
     ON CONFLICT(svix_id) DO NOTHING RETURNING week, subscriber_id`,
  );

  const recordLinked = (e: ProviderEvent): Recorded => {
    const createdAt = e.createdAt instanceof Date ? e.createdAt.toISOString() : e.createdAt;
    const payload = typeof e.payload === 'string' ? e.payload : JSON.stringify(e.payload);
    const row = insert.get({
      svixId: e.svixId,
      type: e.type,
      email: e.email,
      messageId: e.messageId,
      createdAt,
      payload,
      detail: e.detail ?? null,
    });
    if (!row) return { outcome: 'duplicate', link: null };
    const link =
      row.week !== null && row.subscriber_id !== null
        ? { week: row.week, subscriberId: row.subscriber_id }
        : null;
    return { outcome: 'recorded', link };
  };

  return {
    /** 'duplicate' when this svix-id was recorded before: apply its effects only on 'recorded'. */
    record: (e: ProviderEvent): 'recorded' | 'duplicate' => recordLinked(e).outcome,
    /** Like record, and says which issue and reader the event is linked to (if known yet). */
    recordLinked,
  };
}

export type Events = ReturnType<typeof createEvents>;
