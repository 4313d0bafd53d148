// Moving a list between databases through the CLI: export, import into a new database,
// twice, loses nothing (statuses, names, sources, dates, the suppression list and erased
// hashes), and the opt-outs of the report stay opted out.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { DEV_TOKEN_SECRET } from '../../src/config.ts';
import { openDatabase } from '../../src/store/db.ts';
import { createSubscribers, type SubscriberStatus } from '../../src/store/subscribers.ts';
import { createSuppressions } from '../../src/store/suppressions.ts';
import { at } from '../store/db-fixture.ts';
import { runCli } from '../support/cli.ts';
import { tempDir } from '../support/paths.ts';

const dir = () => tempDir('verdicts-move-');
const cli = (cwd: string, db: string, ...args: string[]) =>
  runCli(['subscribers', ...args, '--db', db], { cwd });

/** A list with every status, awkward names, and both kinds of suppression. */
function seed(file: string): void {
  const db = openDatabase(file);
  const subs = createSubscribers(db);
  const rows: [string, string | null, SubscriberStatus][] = [
    ['ada@example.com', 'Lovelace, "Ada"', 'active'],
    ['pending@example.com', null, 'pending'],
    ['left@example.com', 'Left Reader', 'unsubscribed'],
    ['bounced@example.com', 'Bo Unce', 'bounced'],
    ['angry@example.com', 'Ängry Ünicode', 'complained'],
    ['multi@example.com', "Zoë 🚀 O'Brien", 'active'],
  ];
  rows.forEach(([email, name, status], i) => {
    const s = subs.add(email, { name, source: i % 2 ? 'form' : 'cli', now: at(i) });
    if (!s.ok) throw new Error(`add ${email}`);
    subs.setStatus(s.value.id, status, at(100 + i));
  });
  const sup = createSuppressions(db, DEV_TOKEN_SECRET);
  sup.suppress('never@example.com', 'import:resend-suppressions.csv', at(200));
  sup.forget({ email: 'erased@example.com' }, 'forget', at(201));
  db.close();
}

describe('subscribers export → import → export', () => {
  it('is lossless into a new database, twice', async () => {
    const cwd = dir();
    const dbs = ['a.db', 'b.db', 'c.db'].map((f) => path.join(cwd, f));
    seed(dbs[0]!);
    const first = await cli(cwd, dbs[0]!, 'export');
    expect(first.code).toBe(0);
    writeFileSync(path.join(cwd, 'one.csv'), first.stdout);
    const imported = await cli(cwd, dbs[1]!, 'import', 'one.csv');
    expect(imported).toMatchObject({ code: 0, stderr: '' });
    expect(imported.stdout).toBe(
      'imported one.csv as verdicts: active 2 added, 0 kept, 0 refused; pending 1 added, 0 kept, 0 refused; unsubscribed 1 added, 0 kept, 0 refused; bounced 1 added, 0 kept, 0 refused; complained 1 added, 0 kept, 0 refused; suppressed 1 added, 0 kept, 0 refused; forgotten 1 added, 0 kept, 0 refused\n',
    );
    const second = await cli(cwd, dbs[1]!, 'export');
    expect(second.stdout).toBe(first.stdout);
    writeFileSync(path.join(cwd, 'two.csv'), second.stdout);
    expect((await cli(cwd, dbs[2]!, 'import', 'two.csv')).code).toBe(0);
    expect((await cli(cwd, dbs[2]!, 'export')).stdout).toBe(first.stdout);

    const rows = parse(first.stdout, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.email, r.status])).toEqual([
      ['ada@example.com', 'active'],
      ['pending@example.com', 'pending'],
      ['left@example.com', 'unsubscribed'],
      ['bounced@example.com', 'bounced'],
      ['angry@example.com', 'complained'],
      ['multi@example.com', 'active'],
      ['never@example.com', 'suppressed'],
      [expect.stringMatching(/^hmac-sha256:[0-9a-f]{64}$/), 'forgotten'],
    ]);
    expect(rows[0]).toMatchObject({
      name: 'Lovelace, "Ada"',
      source: 'cli',
      createdAt: at(0).toISOString(),
      updatedAt: at(100).toISOString(),
      confirmedAt: at(100).toISOString(),
    });
    expect(rows[2]?.unsubscribedAt).toBe(at(102).toISOString());
    // The erased address is nowhere in the file, only its hash.
    expect(first.stdout).not.toContain('erased@');
  });

  it('the opted-out, bounced and complained stay so in the new database and cannot be re-added', async () => {
    const cwd = dir();
    const [a, b] = ['a.db', 'b.db'].map((f) => path.join(cwd, f));
    seed(a!);
    writeFileSync(path.join(cwd, 'all.csv'), (await cli(cwd, a!, 'export')).stdout);
    await cli(cwd, b!, 'import', 'all.csv');
    // Then a file that says they are all active again (the operator's old list).
    writeFileSync(
      path.join(cwd, 'old.csv'),
      'email,name\nleft@example.com,x\nbounced@example.com,x\nangry@example.com,x\nnever@example.com,x\nerased@example.com,x\n',
    );
    const again = await cli(cwd, b!, 'import', 'old.csv');
    expect(again.stdout).toBe('imported old.csv as plain: active 0 added, 3 kept, 2 refused\n');
    expect(again.stderr).toContain('line 5: "never@example.com": on the suppression list');
    expect(again.stderr).toContain(
      'line 6: "erased@example.com": erased (forgotten): never re-added',
    );
    const active = JSON.parse((await cli(cwd, b!, 'list', '--json', '--status', 'active')).stdout);
    expect(active.map((s: { email: string }) => s.email)).toEqual([
      'ada@example.com',
      'multi@example.com',
    ]);
    const add = await cli(cwd, b!, 'add', 'ERASED@example.com');
    expect(add.code).toBe(1);
    expect(add.stderr).toContain('erased (forgotten): never added');
  });

  it('suppress FILE loads a never-mail list, unsubscribes those on the list, and export --status shows it', async () => {
    const cwd = dir();
    const db = path.join(cwd, 'v.db');
    await cli(cwd, db, 'add', 'keep@example.com');
    await cli(cwd, db, 'add', 'stop@example.com');
    writeFileSync(
      path.join(cwd, 'dnc.csv'),
      'email\nstop@example.com\nstranger@example.com\nbad-address\n',
    );
    const res = await cli(cwd, db, 'suppress', 'dnc.csv');
    expect(res.code).toBe(0);
    expect(res.stdout).toBe(
      'suppressed from dnc.csv as plain: suppressed 2 added, 0 kept, 1 refused\n',
    );
    expect(res.stderr).toContain('line 4: "bad-address": missing @');
    const statuses = JSON.parse((await cli(cwd, db, 'list', '--json')).stdout).map(
      (s: { email: string; status: string }) => [s.email, s.status],
    );
    expect(statuses).toEqual([
      ['keep@example.com', 'active'],
      ['stop@example.com', 'unsubscribed'],
    ]);
    const out = parse((await cli(cwd, db, 'export', '--status', 'suppressed')).stdout, {
      columns: true,
    }) as Record<string, string>[];
    expect(out.map((r) => [r.email, r.status, r.source])).toEqual([
      [expect.any(String), 'suppressed', 'import:dnc.csv'],
      [expect.any(String), 'suppressed', 'import:dnc.csv'],
    ]);
    expect(out.map((r) => r.email).sort()).toEqual(['stop@example.com', 'stranger@example.com']);
    expect((await cli(cwd, db, 'suppress', 'dnc.csv')).stdout).toContain(
      'suppressed 0 added, 2 kept',
    );
    expect((await cli(cwd, db, 'add', 'stranger@example.com')).code).toBe(1);
  });
});
