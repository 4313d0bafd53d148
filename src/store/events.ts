// Provider events (Resend webhooks: bounces, complaints, deliveries), kept as received.
// Resend retries a delivery it thinks failed, so the same svix-id can arrive more than once:
// the UNIQUE svix_id makes recording idempotent and tells the caller whether to act on it.
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
};

export function createEvents(db: Db) {
  const insert = db.prepare<[string | null, string, string | null, string | null, string, string]>(
    `INSERT INTO events (svix_id, type, email, message_id, created_at, payload)
     VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(svix_id) DO NOTHING`,
  );

  return {
    /** 'duplicate' when this svix-id was recorded before: apply its effects only on 'recorded'. */
    record(e: ProviderEvent): 'recorded' | 'duplicate' {
      const createdAt = e.createdAt instanceof Date ? e.createdAt.toISOString() : e.createdAt;
      const payload = typeof e.payload === 'string' ? e.payload : JSON.stringify(e.payload);
      const { changes } = insert.run(e.svixId, e.type, e.email, e.messageId, createdAt, payload);
      return changes === 1 ? 'recorded' : 'duplicate';
    },
  };
}

export type Events = ReturnType<typeof createEvents>;
