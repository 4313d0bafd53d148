// The repo stands alone: a stranger's clone has nothing beside it, so no source, test or script
// may reach outside the repo root for an input (the Resend spec and the seed page live under
// test/fixtures/). A relative path literal is resolved from the file that holds it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/paths.ts';

const SCANNED = ['src', 'test', '.ci'];
const SKIP = new Set(['node_modules', 'fixtures']);
const TEXT = /\.(ts|js|mjs|cjs|json|sh)$|^run$/;
// A quoted relative path, a reference to the project's shared reference folder, or an absolute
// path into this workplace.
const RELATIVE = /(['"`])((?:\.\.\/|\.\.(?=['"`]))[^'"`\s$]*)\1/g;
const SHARED = /\.\.\/shared\b|\/work\//;

function outsideReferences(file: string, text: string, root: string): string[] {
  const found: string[] = [];
  text.split('\n').forEach((line, i) => {
    const where = `${path.relative(root, file)}:${i + 1}`;
    if (SHARED.test(line)) found.push(`${where}: ${line.trim()}`);
    for (const m of line.matchAll(RELATIVE)) {
      const target = path.resolve(path.dirname(file), m[2]!);
      if (path.relative(root, target).startsWith('..'))
        found.push(`${where}: ${m[2]} leaves the repo`);
    }
  });
  return found;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (SKIP.has(name)) return [];
    if (statSync(full).isDirectory()) return filesUnder(full);
    return TEXT.test(name) ? [full] : [];
  });
}

describe('the repo stands alone', () => {
  it('no file under src/, test/ or .ci/ resolves a path outside the repo root', () => {
    const self = path.join(repoRoot, 'test/repo/stands-alone.test.ts');
    const files = SCANNED.flatMap((d) => filesUnder(path.join(repoRoot, d))).filter(
      (f) => f !== self,
    );
    expect(files.length).toBeGreaterThan(100);
    const found = files.flatMap((f) => outsideReferences(f, readFileSync(f, 'utf8'), repoRoot));
    expect(found).toEqual([]);
  });

  it('no npm script reaches outside the repo', () => {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
    const scripts = Object.values(pkg.scripts as Record<string, string>).join('\n');
    expect(outsideReferences(path.join(repoRoot, 'package.json'), scripts, repoRoot)).toEqual([]);
  });

  it('catches the ways a path leaves the repo', () => {
    const file = path.join(repoRoot, 'test/support/x.ts');
    const bad = [
      // Spelt in two pieces so that a grep for the shared folder finds only real uses.
      `path.resolve(repoRoot, '../${'shared'}/resend/openapi.yaml')`,
      "readFileSync('../../../elsewhere/seed.txt')",
      "const p = '/work/shared/seed/comparison-page.txt'",
      "path.resolve(here, '../../..')",
    ];
    for (const line of bad) expect(outsideReferences(file, line, repoRoot), line).not.toEqual([]);
    const fine = ["import { x } from '../../src/config.ts'", "path.resolve(here, '../..')"];
    for (const line of fine) expect(outsideReferences(file, line, repoRoot), line).toEqual([]);
  });
});
