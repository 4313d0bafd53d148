// What the stand-in saw: accepted emails (deliveries), a request log, and running counts.
import type { FaultKind } from './faults.ts';

export interface Delivery {
  id: string;
  to: string[];
  subject: string;
  headers: Record<string, string> | undefined;
  idempotencyKey: string | undefined;
  requestNo: number;
  endpoint: '/emails' | '/emails/batch';
  /** The rest is kept only with `recordBodies: true` (the default). */
  from?: string;
  cc?: string[];
  bcc?: string[];
  reply_to?: string[];
  tags?: { name: string; value: string }[];
  html?: string;
  text?: string;
  scheduled_at?: string;
  topic_id?: string;
}

export interface RequestLogEntry {
  requestNo: number;
  method: string;
  path: string;
  /** What the client got; null when it got nothing (hang, drop, lostResponse). */
  status: number | null;
  /** Request headers, lower-cased names. */
  headers: Record<string, string>;
  fault?: FaultKind;
  /** Clock time (the `now` option) the request arrived. */
  at: number;
}

export interface Stats {
  accepted: number;
  recipients: number;
  /** Recipients that got more than one copy. */
  duplicates: number;
  requests: number;
  byStatus: Record<string, number>;
}

const list = (v: unknown): string[] | undefined =>
  v === undefined ? undefined : ([] as unknown[]).concat(v).map(String);

/** `Name <a@b.c>` and ` A@B.c ` both count as `a@b.c`. */
export const mailbox = (address: string): string => {
  const m = /<([^>]+)>/.exec(address);
  return (m ? m[1]! : address).trim().toLowerCase();
};

const BODY_FIELDS = [
  'from',
  'cc',
  'bcc',
  'reply_to',
  'tags',
  'html',
  'text',
  'scheduled_at',
  'topic_id',
] as const;

export class Recorder {
  readonly deliveries: Delivery[] = [];
  readonly requests: RequestLogEntry[] = [];
  private readonly perRecipient = new Map<string, number>();
  private readonly byStatus: Record<string, number> = {};
  private duplicates = 0;

  constructor(private readonly recordBodies: boolean) {}

  logRequest(entry: RequestLogEntry): void {
    this.requests.push(entry);
    const k = entry.status === null ? 'none' : String(entry.status);
    this.byStatus[k] = (this.byStatus[k] ?? 0) + 1;
  }

  record(email: Record<string, unknown>, meta: Omit<Delivery, 'to' | 'subject' | 'headers'>): void {
    const to = list(email.to) ?? [];
    const d: Delivery = {
      ...meta,
      to,
      subject: String(email.subject),
      headers: email.headers as Record<string, string> | undefined,
    };
    if (this.recordBodies) {
      const { from, cc, bcc, reply_to, tags, html, text, scheduled_at, topic_id } = email;
      Object.assign(d, { from, tags, html, text, scheduled_at, topic_id });
      Object.assign(d, { cc: list(cc), bcc: list(bcc), reply_to: list(reply_to) });
      for (const k of BODY_FIELDS) if (d[k] === undefined) delete d[k];
    }
    this.deliveries.push(d);
    for (const address of to) {
      const key = mailbox(address);
      const n = (this.perRecipient.get(key) ?? 0) + 1;
      this.perRecipient.set(key, n);
      if (n === 2) this.duplicates++;
    }
  }

  countByRecipient(): Map<string, number> {
    return new Map(this.perRecipient);
  }

  stats(): Stats {
    return {
      accepted: this.deliveries.length,
      recipients: this.perRecipient.size,
      duplicates: this.duplicates,
      requests: this.requests.length,
      byStatus: { ...this.byStatus },
    };
  }
}
