// Keys unique per send, end to end with the real SDK: two databases sending the same week
// through one Resend account each reach their whole list, and a database re-created after a
// mistake sends again into the outbox folder the old one filled.
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { KEY, useStandIn } from '../support/stand-in-fixture.ts';
import { addReaders, reader, sendWorkspace, WEEK } from './send-fixture.ts';

const start = useStandIn();
const PER_LIST = 300;

const emlFiles = (dir: string) =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.eml'));

describe('keys unique per send', () => {
  it('two databases on one Resend account, the same week: each list gets exactly one copy', async () => {
    const { standIn } = await start({ recordBodies: false });
    // Staging and production, say: the same week, different readers, one account.
    const production = await sendWorkspace({ subscribers: PER_LIST });
    const staging = await sendWorkspace({ subscribers: 0 });
    const db = staging.db();
    addReaders(db, PER_LIST, PER_LIST + 1);
    staging.close();
    for (const ws of [production, staging]) {
      const env = ws.env({ RESEND_API_KEY: KEY, RESEND_BASE_URL: standIn.url });
      const res = await runCli(ws.args(), { env });
      expect(res.stderr).toBe('');
      expect(res.code).toBe(0);
      expect(res.stdout).toMatch(`${WEEK}: sent ${PER_LIST}, skipped 0, failed 0, uncertain 0`);
    }
    const copies = standIn.countByRecipient();
    const wrong = Array.from({ length: 2 * PER_LIST }, (_, i) => reader(i + 1)).filter(
      (r) => copies.get(r) !== 1,
    );
    expect(wrong).toEqual([]);
    expect(copies.size).toBe(2 * PER_LIST);
    // Nothing refused as another send's key (409 invalid_idempotent_request); a request retried
    // after a timeout under load is replayed, so count keys, not requests.
    expect(standIn.stats().duplicates).toBe(0);
    expect(standIn.stats().byStatus['409']).toBeUndefined();
    // Six batches, six different keys: none of the second database's was refused as a replay.
    const keys = new Set(standIn.deliveries().map((d) => d.idempotencyKey));
    expect(keys.size).toBe(6);
  });

  it('a re-created database sends again into the same outbox folder', async () => {
    const ws = await sendWorkspace({ subscribers: 150 });
    const first = await runCli(ws.args(), { env: ws.env() });
    expect(first.code).toBe(0);
    expect(emlFiles(ws.outboxDir)).toHaveLength(150);

    // The database is lost and re-created with the same readers; the outbox folder stays.
    for (const f of readdirSync(path.dirname(ws.dbPath)).filter((f) =>
      f.startsWith('verdicts.db'),
    )) {
      rmSync(path.join(path.dirname(ws.dbPath), f));
    }
    const fresh = await sendWorkspace({ subscribers: 150 });
    const args = fresh.args();
    args[args.indexOf('--outbox') + 1] = ws.outboxDir;
    const second = await runCli(args, { env: fresh.env() });
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(`${WEEK}: sent 150, skipped 0, failed 0, uncertain 0 of 150`);
    // Both sends are in the folder, each under its own send id.
    expect(emlFiles(ws.outboxDir)).toHaveLength(300);
    const sendIds = new Set(readdirSync(ws.outboxDir).map((d) => d.split('_')[0]));
    expect(sendIds.size).toBe(2);
    for (const id of sendIds) expect(id).toMatch(new RegExp(`^${WEEK}\\.[0-9a-f]{24}$`));
  });
});
