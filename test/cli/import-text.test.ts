// Text is what it claims: a CSV that is not valid UTF-8 is refused naming its line (it used to
// store `m\uFFFDller@…`), `--encoding latin1` reads it as Latin-1, and subscriber names lose
// bidirectional controls and zero-width characters.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { cleanName } from '../../src/store/subscriber-name.ts';
import { runCli } from '../support/cli.ts';
import { tempDir } from '../support/paths.ts';

const place = () => {
  const dir = tempDir('verdicts-text-');
  return { dir, db: path.join(dir, 'v.db') };
};
const rows = (db: string) => {
  const d = new Database(db, { readonly: true });
  try {
    return d.prepare('SELECT email, name FROM subscribers ORDER BY id').all();
  } finally {
    d.close();
  }
};

describe('import reads text as the encoding it is', () => {
  const latin1 = Buffer.concat([
    Buffer.from('email,name\nada@example.com,Ada\n'),
    Buffer.from('m\u00fcller@example.com,J\u00fcrgen M\u00fcller\n', 'latin1'),
  ]);

  it('a Latin-1 file is refused, naming the line, and nothing is imported', async () => {
    const { dir, db } = place();
    const file = path.join(dir, 'list.csv');
    writeFileSync(file, latin1);
    const r = await runCli(['subscribers', 'import', file], { env: { DATABASE_PATH: db } });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      `[verdicts] [store] ${file}: line 3: not valid UTF-8 (byte 0xfc); if the file is Latin-1, import it with --encoding latin1`,
    );
    expect(rows(db)).toEqual([]);
  });

  it('--encoding latin1 reads it as Latin-1', async () => {
    const { dir, db } = place();
    const file = path.join(dir, 'list.csv');
    writeFileSync(file, latin1);
    const r = await runCli(['subscribers', 'import', file, '--encoding', 'latin1'], {
      env: { DATABASE_PATH: db },
    });
    expect(r.code).toBe(0);
    expect(rows(db)).toEqual([
      { email: 'ada@example.com', name: 'Ada' },
      { email: 'müller@example.com', name: 'Jürgen Müller' },
    ]);
  });

  it('UTF-8 characters split across read chunks are fine', async () => {
    const { dir, db } = place();
    const file = path.join(dir, 'list.csv');
    const lines = ['email,name'];
    for (let i = 0; i < 20_000; i++) lines.push(`r${i}@example.com,Zoë Ærøskøbing 東京 ${i}`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    const r = await runCli(['subscribers', 'import', file], { env: { DATABASE_PATH: db } });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/active 20000 added/);
  });
});

describe('subscriber names lose invisible and bidirectional characters', () => {
  it('cleanName removes them (not replaced by a space)', () => {
    expect(cleanName('Ada\u202E ecalpmeT')).toBe('Ada ecalpmeT');
    expect(
      cleanName('\u200BA\u200Cd\u200Da\u2060\uFEFF \u2066Lovelace\u2069\u200E\u200F\u061C'),
    ).toBe('Ada Lovelace');
    expect(cleanName('\u202A\u202B\u202C\u202D')).toBeNull();
  });

  it('an import stores the cleaned name', async () => {
    const { dir, db } = place();
    const file = path.join(dir, 'list.csv');
    writeFileSync(file, 'email,name\nada@example.com,"Ada \u202Egnol\u202C"\n');
    expect(
      (await runCli(['subscribers', 'import', file], { env: { DATABASE_PATH: db } })).code,
    ).toBe(0);
    expect(rows(db)).toEqual([{ email: 'ada@example.com', name: 'Ada gnol' }]);
  });
});
