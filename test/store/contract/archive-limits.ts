// The published archive (content-addressed, checked on read, a frozen week never half replaced)
// and the shared rate-limit counters (one count per key and window across every connection).
import { describe, expect, it } from 'vitest';
import { at, type OpenStore, useStores } from './fixture.ts';

const file = (name: string, text: string) => ({ name, body: Buffer.from(text, 'utf8') });

export function archiveLimitsContract(_name: string, open: OpenStore): void {
  describe('published archive', () => {
    const stores = useStores(open);

    it('publishes a week once, returns its files byte for byte, and refuses other bytes', async () => {
      const store = await stores.fresh();
      expect(await store.archive.files('2026-W48')).toEqual([]);
      const files = [file('issue.json', '{"week":"2026-W48"}'), file('index.html', '<p>é</p>')];
      expect(await store.archive.publish('2026-W48', files, at(0))).toBe('published');
      expect(await store.archive.publish('2026-W48', files, at(1))).toBe('unchanged');
      const back = await store.archive.files('2026-W48');
      expect(back.map((f) => [f.name, f.body.toString('utf8')])).toEqual([
        ['index.html', '<p>é</p>'],
        ['issue.json', '{"week":"2026-W48"}'],
      ]);
      // Other bytes under a published name: refused, and nothing of that publish is kept.
      const changed = [file('extra.txt', 'new'), file('index.html', '<p>changed</p>')];
      expect(await store.archive.publish('2026-W48', changed, at(2))).toBe('conflict');
      expect((await store.archive.files('2026-W48')).map((f) => f.name)).toEqual([
        'index.html',
        'issue.json',
      ]);
      // The same bytes in another week are kept once and read back under both.
      expect(await store.archive.publish('2026-W49', [files[1]!], at(3))).toBe('published');
      expect((await store.archive.files('2026-W49'))[0]!.body.toString('utf8')).toBe('<p>é</p>');
    });

    it('is visible to a second connection at once', async () => {
      await stores.fresh();
      const opened = [await stores.second(), await stores.second()] as const;
      await opened[0].archive.publish('2026-W50', [file('issue.json', '{}')], at(0));
      expect(await opened[1].archive.files('2026-W50')).toHaveLength(1);
    });
  });

  describe('rate-limit counters', () => {
    const stores = useStores(open);

    it('count hits per key in fixed windows, across connections', async () => {
      const a = await stores.fresh();
      const b = await stores.second();
      const results: boolean[] = [];
      for (let i = 0; i < 6; i++) {
        results.push(await (i % 2 ? b : a).limits.hit('subscribe:ip1', 4, 60_000, at(i)));
      }
      expect(results).toEqual([true, true, true, true, false, false]);
      expect(await a.limits.hit('subscribe:ip2', 4, 60_000, at(7))).toBe(true);
      // The next window starts counting again.
      expect(await b.limits.hit('subscribe:ip1', 4, 60_000, at(60))).toBe(true);
    });

    it('two servers hitting one key at once get the limit once', async () => {
      const a = await stores.fresh();
      const b = await stores.second();
      const hits = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? b : a).limits.hit('subscribe:burst', 5, 60_000, at(0)),
        ),
      );
      expect(hits.filter(Boolean)).toHaveLength(5);
    });

    it('spend a one-time key once, across servers and at once', async () => {
      const a = await stores.fresh();
      const b = await stores.second();
      const until = at(600);
      const spent = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 ? b : a).limits.spendOnce('proof:n1', until)),
      );
      expect(spent.filter(Boolean)).toHaveLength(1);
      expect(await b.limits.spendOnce('proof:n2', until)).toBe(true);
      // A sweep by a later hit keeps a spent key until a day after it expired.
      await a.limits.hit('subscribe:later', 5, 60_000, at(3600));
      expect(await a.limits.spendOnce('proof:n1', until)).toBe(false);
    });
  });
}
