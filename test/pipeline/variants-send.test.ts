// Each reader's issue carries their topics (issue #26): a send of the sample week (data/,
// 2026-W49: four invented pairs in four categories, after the seed week) to 1,000 readers
// spread over topic choices. Each .eml in the outbox carries exactly the pairs whose tools'
// categories meet the reader's topics; paused and no-pair readers get nothing and the ledger
// says why; MJML compiles once per variant, never per reader.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it, vi } from 'vitest';
import { readArchivedEmail } from '../../src/archive/index.ts';
import { issueVariants, pairsFor } from '../../src/content/index.ts';
import { openStore } from '../../src/store/index.ts';
import { addReaders, reader, sendWorkspace } from '../send/send-fixture.ts';
import { runCli } from '../support/cli.ts';

const compiled = vi.hoisted(() => ({ n: 0 }));
vi.mock('mjml', async (importOriginal) => {
  const real = (await importOriginal()) as { default: (...a: unknown[]) => unknown };
  return {
    default: (...a: unknown[]) => {
      compiled.n++;
      return real.default(...a);
    },
  };
});

const SEED_WEEK = '2026-W48';
const WEEK = '2026-W49';
const READERS = 1000;
const SECRET = 'test-secret-0123456789abcdef';

/** Reader i's topics: everything, one category, two, or one no pair of the week has. */
const CHOICES: (string[] | null)[] = [
  null,
  ['writing-assistants'],
  ['image-generation'],
  ['speech-audio'],
  ['developer-tools', 'image-generation'],
  ['cooking'],
  ['developer-tools'],
];
const topicsOf = (i: number) => CHOICES[i % CHOICES.length]!;
/** Every 37th reader paused for two issues. */
const pausedReader = (i: number) => i % 37 === 0;

describe('a send to readers with topics', () => {
  it('gives each reader exactly the pairs of their topics, once per variant compiled; paused and no-pair readers are counted, not mailed', async () => {
    const ws = await sendWorkspace({ withArchive: false });
    const setup = ws.db();
    addReaders(setup, READERS);
    const args = (week: string, cmd = 'send') => {
      const a = ws.args();
      a[0] = cmd;
      a[a.indexOf('--week') + 1] = week;
      if (cmd === 'build') a.splice(a.indexOf('--outbox'), 2);
      return a;
    };
    const store = await openStore({ path: ws.dbPath, secret: SECRET });
    for (let i = 1; i <= READERS; i++) {
      const s = await store.subscribers.getByEmail(reader(i));
      await store.subscribers.setTopics(s!.id, topicsOf(i), new Date());
      if (pausedReader(i)) await store.subscribers.pause(s!.id, 2, new Date());
    }
    // The seed week is archived first, so 2026-W49 carries the sample pairs alone.
    const built = await runCli(args(SEED_WEEK, 'build'), { env: ws.env() });
    expect(built.code, built.stderr).toBe(0);

    compiled.n = 0;
    const res = await runCli(args(WEEK), { env: ws.env() });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const archived = await readArchivedEmail(ws.issuesDir, WEEK);
    const variants = issueVariants(archived.issue);
    expect(archived.issue.pairs).toHaveLength(4);
    expect(variants.length).toBeGreaterThanOrEqual(4);
    // One compile for the full issue and one per variant: none per reader.
    expect(compiled.n).toBe(1 + variants.length);
    expect([...archived.variants.keys()]).toEqual(variants.map((v) => v.id));
    for (const v of variants) {
      const own = archived.variants.get(v.id)!;
      expect(own.issue.pairs.map((p) => p.id)).toEqual(v.pairIds);
      expect(readdirSync(path.join(ws.issuesDir, WEEK, 'variants', v.id))).toContain(
        'content-hash.txt',
      );
    }

    const expected = new Map<string, string[]>();
    let paused = 0;
    let none = 0;
    for (let i = 1; i <= READERS; i++) {
      const pairs = pairsFor(archived.issue, topicsOf(i)).map((n) => archived.issue.pairs[n]!);
      if (pausedReader(i)) paused++;
      else if (pairs.length === 0) none++;
      else
        expected.set(
          reader(i),
          pairs.map((p) => p.headline),
        );
    }
    expect(res.stdout).toMatch(
      `${WEEK}: sent ${expected.size}, skipped ${paused + none}, failed 0, uncertain 0`,
    );

    const files = readdirSync(ws.outboxDir, { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.eml'),
    );
    expect(files).toHaveLength(expected.size);
    const headlines = archived.issue.pairs.map((p) => p.headline);
    const seen = new Set<string>();
    for (const file of files) {
      const mail = await simpleParser(readFileSync(path.join(ws.outboxDir, file)));
      const to = mail.to && !Array.isArray(mail.to) ? mail.to.text : '';
      expect(seen.has(to), `${to} got two copies`).toBe(false);
      seen.add(to);
      const want = expected.get(to);
      expect(want, `${to} should get nothing`).toBeDefined();
      const got = headlines.filter((h) => (mail.text ?? '').includes(h));
      expect(got, to).toEqual(want);
    }
    expect(seen.size).toBe(expected.size);

    // The ledger says who got which variant, and why the others got nothing.
    const counts = await store.ledger.variants(WEEK);
    expect(counts.filter((c) => c.skipReason === 'paused')).toEqual([
      { variant: null, skipReason: 'paused', recipients: paused },
    ]);
    expect(counts.filter((c) => c.skipReason === 'no_topics')).toEqual([
      { variant: null, skipReason: 'no_topics', recipients: none },
    ]);
    expect(counts.filter((c) => c.skipReason === null).reduce((n, c) => n + c.recipients, 0)).toBe(
      expected.size,
    );
    // The pause counted one issue down.
    expect((await store.subscribers.getByEmail(reader(37)))?.pausedIssues).toBe(1);

    // The operator's stats: recipients per variant, and the list's topic choices.
    const statsArgs = ['stats', '--week', WEEK, '--db', ws.dbPath, '--issues', ws.issuesDir];
    const stats = await runCli(statsArgs, { env: ws.env() });
    expect(stats.code, stats.stderr).toBe(0);
    expect(stats.stdout).toContain('Recipients by variant');
    expect(stats.stdout).toContain(`  skipped, paused: ${paused}\n`);
    expect(stats.stdout).toContain(`  skipped, no pair for their topics: ${none}\n`);
    for (const c of counts.filter((c) => c.variant !== null)) {
      expect(stats.stdout).toContain(`  variant ${c.variant}: ${c.recipients}\n`);
    }
    const everything = Array.from({ length: READERS }, (_, i) => topicsOf(i + 1)).filter(
      (t) => t === null,
    ).length;
    expect(stats.stdout).toContain(`Topic choices (${READERS} active readers)`);
    expect(stats.stdout).toContain(`  everything: ${everything}\n`);
    const json = JSON.parse((await runCli([...statsArgs, '--json'], { env: ws.env() })).stdout);
    expect(json.variants).toEqual(counts);
    const chose = (t: string) =>
      Array.from({ length: READERS }, (_, i) => topicsOf(i + 1)).filter((x) => x?.includes(t))
        .length;
    expect(json.topics).toMatchObject({
      active: READERS,
      everything,
      byTopic: { 'image-generation': chose('image-generation'), cooking: chose('cooking') },
    });
    // Paused readers at the time of stats: the pause of 2 has one issue left.
    expect(json.topics.paused).toBe(paused);
    await store.close();
    ws.close();
  }, 120_000);
});
