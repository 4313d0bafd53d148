// The layers the README's architecture section describes, kept by reading every import under
// src/. A failure names the file, the line and the rule.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/paths.ts';
import { checkImports, describeViolation, RANKS } from './import-rules.ts';

const srcDir = path.join(repoRoot, 'src');

function sources(): Map<string, string> {
  const files = readdirSync(srcDir, { recursive: true, encoding: 'utf8' })
    .map((f) => f.split(path.sep).join('/'))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .sort();
  return new Map(files.map((f) => [f, readFileSync(path.join(srcDir, f), 'utf8')]));
}

describe('layers under src/', () => {
  it('no import points up the layers, skips a face, or crosses a "never"', () => {
    const found = checkImports(sources()).map(describeViolation);
    expect(found, found.join('\n')).toEqual([]);
  });

  it('every folder shows its face in an index.ts', () => {
    const files = sources();
    const missing = Object.keys(RANKS).filter((u) => !files.has(`${u}/index.ts`));
    expect(missing).toEqual([]);
  });

  it('opens the database in one place: the store opens it, the composition root asks', () => {
    const callers = (pattern: RegExp) =>
      [...sources()].filter(([, text]) => pattern.test(text)).map(([file]) => file);
    expect(callers(/\bnew Database\(/)).toEqual(['store/db.ts']);
    // openStore's default opener is the only use of openDatabase outside its own file.
    expect(callers(/\bopenDatabase\(/)).toEqual(['store/db.ts']);
    expect(callers(/\bopenStore\(/).filter((f) => !f.startsWith('store/'))).toEqual([
      'pipeline/open-pipeline.ts',
    ]);
  });

  it('one module speaks Prometheus: only src/metrics.ts imports prom-client', () => {
    const importers = [...sources()]
      .filter(([, text]) => /from\s+['"]prom-client['"]/.test(text))
      .map(([file]) => file);
    expect(importers).toEqual(['metrics.ts']);
  });

  it('nothing outside the store sees a connection, a statement or a transaction', () => {
    const outside = [...sources()].filter(([file]) => !file.startsWith('store/'));
    const uses = (pattern: RegExp) =>
      outside.filter(([, text]) => pattern.test(text)).map(([file]) => file);
    // The database handle's type, better-sqlite3's statement and transaction calls, pg's.
    expect(uses(/\bDb\b|\bDatabase\.Database\b/)).toEqual([]);
    expect(uses(/\.(prepare|transaction|pragma)\(|\.immediate\(\)/)).toEqual([]);
    expect(
      uses(/\bpg\.(Pool|Client)\b|\.query\(\s*['`](SELECT|INSERT|UPDATE|DELETE|BEGIN|WITH)/i),
    ).toEqual([]);
    // The face does not hand one out either.
    const face = sources().get('store/index.ts') ?? '';
    expect(face).not.toMatch(/\bDb\b|openDatabase|storeOver/);
  });
});

describe('the import check itself', () => {
  const check = (file: string, text: string) =>
    checkImports(new Map([[file, text]])).map(describeViolation);

  it('names a content/ file that imports the CLI, type-only as it may be', () => {
    const found = check('content/week.ts', "import type * as X from '../cli/main.ts';\n");
    expect(found.join('\n')).toContain('src/content/week.ts:1');
    expect(found.join('\n')).toContain('imports point down the layers');
  });

  it('names an import that goes round a face', () => {
    expect(check('pipeline/x.ts', "import { a } from '../store/ledger.ts';")).toEqual([
      "src/pipeline/x.ts:1: '../store/ledger.ts': import store/ through its face, store/index.ts",
    ]);
    expect(check('pipeline/x.ts', "import { a } from '../store/index.ts';")).toEqual([]);
  });

  it("names date-fns's index, which loads every function", () => {
    expect(check('store/x.ts', "import { isValid } from 'date-fns';")).toEqual([
      "src/store/x.ts:1: 'date-fns': import date-fns one function at a time (date-fns/name)",
    ]);
    expect(check('store/x.ts', "import { isValid } from 'date-fns/isValid';")).toEqual([]);
  });

  it('names resend or better-sqlite3 outside their folders, and sideways imports', () => {
    expect(check('pipeline/x.ts', "import { Resend } from 'resend';")).toHaveLength(1);
    expect(check('send/x.ts', "import { Resend } from 'resend';")).toEqual([]);
    expect(check('web/public/x.ts', "const m = await import('better-sqlite3');")).toHaveLength(1);
    expect(check('cli/x.ts', "import pg from 'pg';")).toHaveLength(1);
    expect(check('store/pg/x.ts', "import pg from 'pg';")).toEqual([]);
    expect(check('store/x.ts', "import type { A } from '../archive/index.ts';")).toHaveLength(1);
    expect(check('errors.ts', "import { A } from './content/index.ts';")).toHaveLength(1);
  });
});
