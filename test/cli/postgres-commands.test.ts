// The commands behave the same on PostgreSQL: one sequence (import, run, send, stats, export,
// forget, list, add, remove) run once over a SQLite file and once with DATABASE_URL set to a
// fresh PostgreSQL database; every step's exit code and output must match, once the paths,
// instants and send ids that differ by nature are masked. Then `serve` over PostgreSQL
// (test/web/pg-web-fixture.ts): subscribe, confirm, vote, unsubscribe and a signed webhook,
// each effect read back through the store's face.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { routes, unsubscribeToken, voteToken, voteUrl } from '../../src/links.ts';
import { openStore, type StoreKind } from '../../src/store/index.ts';
import { runCli } from '../support/cli.ts';
import { dataDir, tempDir } from '../support/paths.ts';
import { freshPgDatabase } from '../support/postgres.ts';
import { signWebhook } from '../support/webhook-sign.ts';
import {
  PAIR,
  SEED_MESSAGE_ID,
  SEED_READER,
  TOOLS,
  usePgServer,
  WEBHOOK_SECRET,
} from '../web/pg-web-fixture.ts';

const WEEK = '2026-W48';
const SECRET = 'test-secret-0123456789abcdef';
const startServer = usePgServer();
const SAMPLE = path.join(dataDir, 'sample-subscribers.csv');

type Step = { name: string; code: number; stdout: string; stderr: string };

const drops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const d of drops.splice(0)) await d().catch(() => undefined);
});

/** The same sequence of commands on one store; every step's output, masked. */
async function sequence(kind: StoreKind): Promise<{ steps: Step[]; outbox: string[] }> {
  const dir = tempDir(`verdicts-pgcmd-${kind}-`);
  let url: string | undefined;
  if (kind === 'postgres') {
    const db = await freshPgDatabase('commands');
    drops.push(() => db.drop());
    url = db.url;
  }
  const env: Record<string, string> = {
    DATABASE_PATH: path.join(dir, 'verdicts.db'),
    ISSUES_DIR: path.join(dir, 'issues'),
    OUTBOX_DIR: path.join(dir, 'outbox'),
    DATA_DIR: dataDir,
    HEALTH_FILE: path.join(dir, 'health.json'),
    TOKEN_SECRET: SECRET,
    PUBLIC_BASE_URL: 'https://verdicts.example.com',
    FROM_EMAIL: 'Weekly AI Tool Verdicts <news@verdicts.example>',
    ...(url ? { DATABASE_URL: url } : {}),
  };
  const mask = (text: string) => {
    let out = text.split(dir).join('<dir>');
    if (url) out = out.split(url).join('<db>');
    return out
      .replace(/(?<![0-9a-f])[0-9a-f]{24}(?![0-9a-f])/g, '<send-id>')
      .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<instant>')
      .replace(/\b\d+(\.\d+)? ?(ms|s)\b/g, '<duration>');
  };
  const steps: Step[] = [];
  const step = async (name: string, args: string[]) => {
    const res = await runCli(args, { env, cwd: dir });
    steps.push({ name, code: res.code, stdout: mask(res.stdout), stderr: mask(res.stderr) });
    return res;
  };
  await step('import', ['subscribers', 'import', SAMPLE]);
  await step('list after import', ['subscribers', 'list']);
  await step('run', ['run', '--week', WEEK]);
  await step('send again', ['send', '--week', WEEK, '--transport', 'outbox']);
  await step('stats', ['stats']);
  await step('stats week', ['stats', '--week', WEEK, '--json']);
  await step('export', ['subscribers', 'export']);
  await step('forget', ['subscribers', 'forget', 'avery.stone@example.com']);
  await step('forget again', ['subscribers', 'forget', 'avery.stone@example.com']);
  await step('add', ['subscribers', 'add', 'Zed@Example.com', '--name', 'Zed Last']);
  await step('add again', ['subscribers', 'add', 'zed@example.com']);
  await step('add bad', ['subscribers', 'add', 'not-an-address']);
  await step('remove', ['subscribers', 'remove', 'zed@example.com']);
  await step('remove sent-to', ['subscribers', 'remove', 'blake.rivers@example.com']);
  await step('remove unknown', ['subscribers', 'remove', 'nobody@example.com']);
  await step('list', ['subscribers', 'list']);
  await step('list json', ['subscribers', 'list', '--json', '--status', 'unsubscribed']);
  await step('export after', ['subscribers', 'export']);
  if (url) {
    // The effects are in PostgreSQL, not in a SQLite file nobody named.
    const store = await openStore({ url, path: 'unused', secret: SECRET });
    try {
      expect((await store.ledger.get(WEEK))?.status).toBe('sent');
      expect(await store.suppressions.reasonFor('avery.stone@example.com')).toBe('forgotten');
    } finally {
      await store.close();
    }
    expect(readdirSync(dir)).not.toContain('verdicts.db');
  }
  const outbox = readdirSync(path.join(dir, 'outbox'), { recursive: true })
    .map((f) => mask(String(f)).replace(/_(\d+)-[0-9a-f]{8}/, '_$1-<key>'))
    .sort();
  return { steps, outbox };
}

describe('the commands on PostgreSQL', () => {
  it('import, run, send, stats, export, forget, list, add, remove: as on SQLite', async () => {
    const sqlite = await sequence('sqlite');
    const postgres = await sequence('postgres');
    // The sequence means something: it sent, forgot, refused and removed.
    const byName = new Map(sqlite.steps.map((s) => [s.name, s]));
    expect(byName.get('run')?.code, byName.get('run')?.stderr).toBe(0);
    expect(byName.get('run')?.stdout).toContain('sent to 25 of 25 recipients');
    expect(byName.get('send again')?.stdout).toContain('was already sent');
    expect(byName.get('forget')?.stdout).toContain('1 ledger rows emptied');
    expect(byName.get('add again')?.code).toBe(1);
    expect(byName.get('remove sent-to')?.stdout).toContain('marked unsubscribed');
    expect(byName.get('remove unknown')?.code).toBe(1);
    expect(sqlite.outbox.filter((f) => f.endsWith('.eml')).length).toBeGreaterThan(0);
    for (let i = 0; i < sqlite.steps.length; i++) {
      expect(postgres.steps[i], sqlite.steps[i]!.name).toEqual(sqlite.steps[i]);
    }
    expect(postgres.outbox).toEqual(sqlite.outbox);
  }, 120_000);
});

describe('verdicts serve on PostgreSQL', () => {
  it('subscribe, confirm, vote, unsubscribe and a signed webhook change the PostgreSQL store', async () => {
    const s = await startServer();
    const { store } = s;
    const ADA = 'ada@example.com';

    // Subscribe: pending, one confirmation mail; confirm (POST, as the button does): active.
    const subscribed = await s.subscribe(ADA, 'Ada');
    expect(subscribed.status).toBe(200);
    expect(await subscribed.text()).toContain('Check your inbox');
    expect((await store.subscribers.getByEmail(ADA))?.status).toBe('pending');
    const confirm = await s.confirmPath(ADA);
    expect((await s.get(confirm)).status).toBe(200);
    expect((await store.subscribers.getByEmail(ADA))?.status).toBe('pending');
    // The name the mailbox owner submits on the confirm page replaces the form's.
    const confirmed = await s.post(confirm, { name: 'Ada Lovelace' });
    expect(await confirmed.text()).toContain('You are subscribed');
    const ada = (await store.subscribers.getByEmail(ADA))!;
    expect(ada).toMatchObject({ status: 'active', name: 'Ada Lovelace' });
    expect(ada.confirmedAt).toBe(s.clock.now.toISOString());

    // Vote (the week is sent): one vote per reader per pair, changeable.
    const links = { baseUrl: '', secret: SECRET };
    const votePath = (id: number, tool: string) =>
      voteUrl(links, WEEK, PAIR, tool, voteToken(links, id, WEEK));
    const voted = await s.post(votePath(ada.id, TOOLS[0]), {});
    expect(voted.status).toBe(200);
    expect(await voted.text()).toContain('your vote for SmolVLM2 is in');
    await s.post(votePath(s.seedReaderId, TOOLS[1]), {});
    await s.post(votePath(ada.id, TOOLS[1]), {});
    expect((await store.votes.countsByPair([PAIR])).get(PAIR)).toEqual({ [TOOLS[1]]: 2 });

    // Unsubscribe: GET changes nothing, the button unsubscribes.
    const unsubscribe = routes.unsubscribe(unsubscribeToken(links, ada.id));
    expect((await s.get(unsubscribe)).status).toBe(200);
    expect((await store.subscribers.getById(ada.id))?.status).toBe('active');
    const out = await s.post(unsubscribe, { action: 'unsubscribe' });
    expect(await out.text()).toContain('You are unsubscribed');
    expect(await store.subscribers.getById(ada.id)).toMatchObject({
      status: 'unsubscribed',
      unsubscribedAt: s.clock.now.toISOString(),
    });

    // A signed hard bounce for the seed send's message: recorded once, the reader bounced.
    const body = JSON.stringify({
      type: 'email.bounced',
      created_at: '2026-11-30T09:10:00.000Z',
      data: {
        email_id: SEED_MESSAGE_ID,
        created_at: '2026-11-30T09:00:00.000Z',
        from: 'news@verdicts.example',
        to: [SEED_READER],
        subject: 'This week',
        bounce: { type: 'Permanent', subType: 'General', message: 'no such user' },
      },
    });
    const deliver = () =>
      fetch(`${s.url}/webhooks/resend`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...signWebhook({
            secret: WEBHOOK_SECRET,
            id: 'msg_bounce',
            timestamp: Math.floor(Date.now() / 1000),
            body,
          }),
        },
        body,
      });
    const first = await deliver();
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ ok: true, outcome: 'recorded' });
    expect(await (await deliver()).json()).toEqual({ ok: true, outcome: 'duplicate' });
    expect((await store.subscribers.getById(s.seedReaderId))?.status).toBe('bounced');
    const figures = await store.stats.figures(WEEK);
    expect(figures.events).toContainEqual(
      expect.objectContaining({ week: WEEK, type: 'email.bounced', total: 1, readers: 1 }),
    );
    expect(figures.votes).toEqual([{ week: WEEK, pairId: PAIR, toolId: TOOLS[1], votes: 2 }]);
  });
});
