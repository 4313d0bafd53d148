// Idempotency-Key handling: per endpoint, 24 h, keyed by a sha256 of the canonical payload
// (never a copy of it). A key is claimed while its first request runs; only a 2xx outcome is
// kept, so a retry after a refused or failed request is processed afresh.
import { createHash } from 'node:crypto';
import { errorReply, type Reply } from './errors.ts';

export const DAY_MS = 24 * 60 * 60 * 1000;

/** JSON with object keys sorted, so the same data built in another key order hashes the same. */
const canonical = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
};

export const payloadHash = (body: unknown): string =>
  createHash('sha256').update(canonical(body)).digest('hex');

interface Entry {
  hash: string;
  createdAt: number;
  reply: Reply | null; // null while the first request is still running
}

export type Claim =
  | { kind: 'fresh'; complete: (reply: Reply) => void; release: () => void }
  | { kind: 'replay'; reply: Reply }
  | { kind: 'refused'; reply: Reply };

/** 400 invalid_idempotency_key for a key outside 1..256 characters, else null. */
export const checkKey = (key: string | undefined): Reply | null => {
  if (key === undefined || (key.length >= 1 && key.length <= 256)) return null;
  return errorReply(400, 'invalid_idempotency_key', 'Idempotency-Key must be 1 to 256 characters.');
};

export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly now: () => number,
    private readonly ttlMs = DAY_MS,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** Drops expired keys (insertion order is creation order). */
  prune(): void {
    const cutoff = this.now() - this.ttlMs;
    for (const [k, e] of this.entries) {
      if (e.createdAt > cutoff) break;
      if (e.reply !== null) this.entries.delete(k);
    }
  }

  claim(endpoint: string, key: string, body: unknown): Claim {
    this.prune();
    const id = `${endpoint} ${key}`;
    const hash = payloadHash(body);
    const existing = this.entries.get(id);
    if (existing && existing.createdAt > this.now() - this.ttlMs) {
      if (existing.reply === null) {
        const msg = 'The same idempotency key is being used by a request still in progress.';
        return { kind: 'refused', reply: errorReply(409, 'concurrent_idempotent_requests', msg) };
      }
      if (existing.hash !== hash) {
        const msg = 'This idempotency key has already been used with a different payload.';
        return { kind: 'refused', reply: errorReply(409, 'invalid_idempotent_request', msg) };
      }
      return { kind: 'replay', reply: existing.reply };
    }
    this.entries.delete(id);
    const entry: Entry = { hash, createdAt: this.now(), reply: null };
    this.entries.set(id, entry);
    const release = () => {
      if (this.entries.get(id) === entry) this.entries.delete(id);
    };
    return {
      kind: 'fresh',
      complete: (reply) => {
        if (reply.status >= 200 && reply.status < 300) entry.reply = reply;
        else release();
      },
      release,
    };
  }
}
