import { cpSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { fixturesDir, tempDir } from '../support/paths.ts';

const setup = () => {
  const dir = tempDir('verdicts-cli-subs-');
  const db = path.join(dir, 'v.db');
  const run = (...args: string[]) => runCli(['subscribers', ...args, '--db', db], { cwd: dir });
  return { dir, db, run };
};

describe('verdicts subscribers', () => {
  it('add, list (text and JSON), refuse a duplicate and a bad address', async () => {
    const { run } = setup();
    const added = await run('add', 'Ada@Example.com', '--name', 'Ada Lovelace');
    expect(added).toMatchObject({ code: 0, stdout: 'added Ada Lovelace <Ada@example.com>\n' });
    expect(await run('add', 'ADA@example.com')).toMatchObject({
      code: 1,
      stderr: 'already on the list: Ada Lovelace <Ada@example.com>\n',
    });
    const bad = await run('add', 'not-an-address');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('not a valid email address: not-an-address');
    await run('add', 'bob@example.com');

    const list = await run('list');
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(
      /^\s+1 {2}active {8}Ada Lovelace <Ada@example\.com>\n\s+2 {2}active/,
    );
    const json = JSON.parse((await run('list', '--json')).stdout);
    expect(json).toHaveLength(2);
    expect(json[0]).toMatchObject({ email: 'Ada@example.com', status: 'active', source: 'cli' });
    expect(JSON.parse((await run('list', '--json', '--status', 'pending')).stdout)).toEqual([]);
    const wrong = await run('list', '--status', 'gone');
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain('Allowed choices are pending, active');
  });

  it('add cleans the name as the form does: one line, no control characters, 100 at most', async () => {
    const { run } = setup();
    const added = await run(
      'add',
      'ann@example.com',
      '--name',
      ' Ann\r\nBcc: x@example.com\t\u0007 ',
    );
    expect(added).toMatchObject({
      code: 0,
      stdout: 'added Ann Bcc: x@example.com <ann@example.com>\n',
    });
    await run('add', 'long@example.com', '--name', 'x'.repeat(300));
    await run('add', 'blank@example.com', '--name', '\u0000\n ');
    const json = JSON.parse((await run('list', '--json')).stdout) as { name: string | null }[];
    expect(json.map((s) => s.name)).toEqual(['Ann Bcc: x@example.com', 'x'.repeat(100), null]);
  });

  it('import prints counts, lists rejected rows with line numbers on stderr, exits 0', async () => {
    const { dir, run } = setup();
    writeFileSync(
      path.join(dir, 'list.csv'),
      'email,name\nada@example.com,Ada\nbroken,Bob\nbob@example.com,\n',
    );
    const first = await run('import', 'list.csv');
    expect(first).toEqual({
      code: 0,
      stdout: 'imported list.csv as plain: active 2 added, 0 kept, 1 refused\n',
      stderr: 'warning: list.csv: line 3: "broken": missing @\n',
    });
    const again = await run('import', 'list.csv');
    expect(again.stdout).toBe('imported list.csv as plain: active 0 added, 2 kept, 1 refused\n');
  });

  it("import takes Mailchimp's export (exit 0) and --format names a wrong guess", async () => {
    const { dir, run } = setup();
    cpSync(
      path.join(fixturesDir, 'imports', 'mailchimp-unsubscribed.csv'),
      path.join(dir, 'mc.csv'),
    );
    const res = await run('import', 'mc.csv');
    expect(res).toEqual({
      code: 0,
      stdout: 'imported mc.csv as mailchimp: unsubscribed 2 added, 0 kept, 0 refused\n',
      stderr: '',
    });
    const wrong = await run('import', 'mc.csv', '--format', 'ghost');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain(
      'mc.csv: line 1: the ghost format needs the columns "email", "subscribed_to_emails"',
    );
    const bad = await run('import', 'mc.csv', '--format', 'myspace');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('Allowed choices are verdicts, mailchimp');
  });

  it('import of a malformed file exits 1 naming file and line, and adds nobody', async () => {
    const { dir, run } = setup();
    writeFileSync(path.join(dir, 'bad.csv'), 'email\nok@example.com\n"unclosed@example.com\n');
    const res = await run('import', 'bad.csv');
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/\[store\] .*bad\.csv: line 3: malformed CSV/);
    expect((await run('list', '--json')).stdout).toBe('[]\n');
  });

  it('remove deletes a fresh address and reports an unknown one', async () => {
    const { run } = setup();
    await run('add', 'ada@example.com');
    expect(await run('remove', 'ADA@example.com')).toMatchObject({
      code: 0,
      stdout: 'deleted ADA@example.com\n',
    });
    expect(await run('remove', 'ada@example.com')).toMatchObject({
      code: 1,
      stderr: 'not on the list: ada@example.com\n',
    });
  });

  it('export writes RFC 4180 CSV that csv-parse reads back, filterable by status', async () => {
    const { run } = setup();
    await run('add', 'ada@example.com', '--name', 'Lovelace, "Ada"');
    await run('add', 'bob@example.com');
    const out = await run('export');
    expect(out.code).toBe(0);
    expect(out.stdout.split('\r\n')[0]).toBe(
      'email,name,status,source,createdAt,updatedAt,confirmedAt,unsubscribedAt,welcomedAt,topics,pausedIssues',
    );
    const rows = parse(out.stdout, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.email, r.name, r.status])).toEqual([
      ['ada@example.com', 'Lovelace, "Ada"', 'active'],
      ['bob@example.com', '', 'active'],
    ]);
    const none = await run('export', '--status', 'unsubscribed');
    expect(none.stdout).toBe(
      'email,name,status,source,createdAt,updatedAt,confirmedAt,unsubscribedAt,welcomedAt,topics,pausedIssues' +
        '\r\n',
    );
  });
});
