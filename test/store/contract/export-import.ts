// A move between databases loses nothing: export (every subscriber column, then the suppressed
// addresses, then the keyed hashes of forgotten ones, the way `subscribers export` writes
// them) → importRows into a fresh store → export again gives the same bytes.
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { exportCsvLines, type Store } from '../../../src/store/index.ts';
import { add, at, type ImportRow, type OpenStore, sendWeek, useStores } from './fixture.ts';

/** The export as `subscribers export` writes it (the store's exportCsvLines), as one text. */
export async function exportText(store: Store): Promise<string> {
  let out = '';
  for await (const line of exportCsvLines(store)) out += line;
  return out;
}

/** The export read back as `subscribers import` maps our own format: exact dates. */
export function importRowsOf(text: string): ImportRow[] {
  const records = parse(text, { columns: true, skip_empty_lines: true }) as Record<
    string,
    string
  >[];
  const date = (v: string | undefined) => (v ? v : null);
  return records.map((r, i) => ({
    line: i + 2,
    email: r.email!,
    status: r.status as ImportRow['status'],
    name: r.name || null,
    source: r.source || undefined,
    exact: true,
    createdAt: date(r.createdAt),
    updatedAt: date(r.updatedAt),
    confirmedAt: date(r.confirmedAt),
    unsubscribedAt: date(r.unsubscribedAt),
    welcomedAt: date(r.welcomedAt),
    topics: r.topics ? (JSON.parse(r.topics) as string[]) : null,
    pausedIssues: r.pausedIssues ? Number(r.pausedIssues) : 0,
  }));
}

export function exportImportContract(_name: string, open: OpenStore): void {
  describe('export → import → export', () => {
    const stores = useStores(open);

    it('gives the same bytes, every status, name, date, topic choice, pause and suppression included', async () => {
      const store = await stores.fresh();
      const active = await add(store, 'Ada@example.com', {
        status: 'active',
        name: 'Ada, "the" Countess',
        source: 'form',
        now: at(1),
      });
      await store.subscribers.claimWelcome(active.id, at(2));
      expect((await store.subscribers.setTopics(active.id, ['vision', 'coding'], at(2))).ok).toBe(
        true,
      );
      expect((await store.subscribers.pause(active.id, 4, at(2))).ok).toBe(true);
      await add(store, 'pending@example.com', { now: at(3), source: 'form' });
      const un = await add(store, 'un@example.com', {
        status: 'active',
        name: 'Zoë Ünicode',
        now: at(4),
      });
      await store.subscribers.setStatus(un.id, 'unsubscribed', at(5));
      const bo = await add(store, 'bo@example.com', { status: 'active', now: at(6) });
      await store.subscribers.setStatus(bo.id, 'bounced', at(7));
      const co = await add(store, 'co@example.com', { status: 'active', now: at(8) });
      await store.subscribers.setStatus(co.id, 'complained', at(9));
      await add(store, 'multi@example.com', {
        status: 'active',
        name: 'Line one\nline two',
        now: at(10),
      });
      for (let i = 0; i < 30; i++)
        await add(store, `bulk${i}@example.com`, { status: 'active', now: at(20 + i) });
      await store.suppressions.suppress('Blocked@Example.com', 'cli', at(11));
      await store.suppressions.suppress('un@example.com', 'cli', at(12));
      // A forgotten reader with history leaves a tombstone (never exported) and a hash (exported).
      const gone = await add(store, 'gone@example.com', { status: 'active', now: at(13) });
      await sendWeek(store, '2026-W48');
      await store.votes.cast({
        subscriberId: gone.id,
        pairId: 'p',
        toolId: 't',
        week: '2026-W48',
        now: at(14),
      });
      expect((await store.forget('gone@example.com', at(15))).ok).toBe(true);
      await store.suppressions.forget({ email: 'never-subscribed@example.com' }, 'forget', at(16));

      const first = await exportText(store);
      const lines = first.split('\r\n').filter(Boolean);
      expect(lines[0]).toBe(
        'email,name,status,source,createdAt,updatedAt,confirmedAt,unsubscribedAt,welcomedAt,topics,pausedIssues',
      );
      // 36 subscribers, 2 suppressed, 2 forgotten; no tombstone.
      expect(lines.length).toBe(1 + 36 + 2 + 2);
      expect(first).not.toContain('gone@example.com');
      expect(first).not.toContain('#forgotten');
      expect(first).toContain('"Ada, ""the"" Countess"');
      // The send of W48 above counted the pause of 4 down by one.
      expect(first).toContain('"[""coding"",""vision""]",3\r\n');

      const target = await stores.fresh();
      const applied = await target.importRows(importRowsOf(first), {
        at: at(100),
        source: 'import:export.csv',
      });
      expect(applied.refused).toEqual([]);
      expect(applied.counts).toMatchObject({
        active: { added: 32 },
        pending: { added: 1 },
        unsubscribed: { added: 1 },
        bounced: { added: 1 },
        complained: { added: 1 },
        suppressed: { added: 2 },
        forgotten: { added: 2 },
      });
      const second = await exportText(target);
      expect(second).toBe(first);
      expect(Buffer.from(second).equals(Buffer.from(first))).toBe(true);
      // The move keeps the never-mail list working.
      expect(await target.suppressions.reasonFor('gone@example.com')).toBe('forgotten');
      expect(await target.suppressions.reasonFor('blocked@example.com')).toBe('suppressed');
      expect(await target.subscribers.getByEmail('ada@example.com')).toMatchObject({
        topics: ['coding', 'vision'],
        pausedIssues: 3,
      });
    });
  });
}
