import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { repoRoot, tempDir } from '../support/paths.ts';

const fixtures = path.join(repoRoot, 'test/fixtures/content');
const check = (dir: string) => runCli(['check', '--data', path.join(fixtures, dir)]);

// Each broken fixture folder: the file and field path we expect named, and the line.
const broken: Record<string, RegExp[]> = {
  'missing-field': [/tools\/beta\.yaml:1: tagline: required field is missing/],
  'wrong-type': [
    /comparisons\/alpha-vs-beta\.yaml:9: reviews\[0\]\.quote: expected string, found 42/,
  ],
  'unknown-tool': [
    /alpha-vs-beta\.yaml:4: tools\[1\]: unknown tool id "gamma"/,
    /alpha-vs-beta\.yaml:11: reviews\[1\]\.tool: "beta" is not one of this pair's tools/,
    /alpha-vs-beta\.yaml:19: reviews\[3\]\.tool: "beta" is not one of this pair's tools/,
  ],
  'duplicate-id': [/alpha-vs-beta\.yaml:1: id: duplicate comparison id "alpha-vs-beta"/],
  'bad-date': [/alpha-vs-beta\.yaml:2: publishedAt: expected a date .* found "2026-02-30"/],
  'misspelt-field': [
    /alpha-vs-beta\.yaml:1: unknown field "headlin"/,
    /headline: required field is missing/,
  ],
  'malformed-syntax': [/tools\/alpha\.yaml:8: syntax error: /],
  'several-problems': [
    /tools\/beta\.yaml:6: entryPrice: expected string, found 0/,
    /alpha-vs-beta\.yaml:12: reviews\[1\]\.verdict: .*"ship"\|"skip", found "maybe"/,
    /unknown field "headlin"/,
    /headline: required field is missing/,
  ],
};

describe('verdicts check', () => {
  it('passes the real data folder', async () => {
    const r = await runCli(['check'], { cwd: repoRoot });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ok: 4 lenses, 10 tools, 5 comparisons in .*\/data\n$/);
  });

  it('validates the folder given with --data instead', async () => {
    const r = await check('valid');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('2 lenses, 2 tools, 1 comparison');
  });

  it('has a fixture folder for every broken case', () => {
    const dirs = readdirSync(fixtures).filter((d) => d !== 'valid');
    expect(dirs.sort()).toEqual(Object.keys(broken).sort());
  });

  for (const [dir, patterns] of Object.entries(broken)) {
    it(`reports ${dir} with file and field, exit 1, nothing on stdout`, async () => {
      const r = await check(dir);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trim().split('\n');
      expect(lines[0]).toMatch(new RegExp(`\\[content\\] ${patterns.length} problems? in `));
      for (const p of patterns) expect(r.stderr).toMatch(p);
      // Every listed problem names a file inside the fixture folder.
      for (const line of lines.slice(1)) expect(line).toContain(path.join(fixtures, dir));
    });
  }
});

describe('verdicts check: a review pull', () => {
  it('accepts words of the quote and warns, naming the field, about a pull the quote lacks', async () => {
    const dir = path.join(tempDir('verdicts-data-'), 'data');
    cpSync(path.join(repoRoot, 'data'), dir, { recursive: true });
    const file = path.join(dir, 'comparisons', readdirSync(path.join(dir, 'comparisons'))[0]!);
    const yaml = readFileSync(file, 'utf8');
    const withPull = (pull: string) =>
      yaml.replace(/(\n {4}verdict: skip\n)/, `$1    pull: ${JSON.stringify(pull)}\n`);
    writeFileSync(
      file,
      withPull(
        "Skip as a standalone business bet; ship as infrastructure for someone else's product.",
      ),
    );
    const good = await runCli(['check', '--data', dir]);
    expect(good.code, good.stderr).toBe(0);
    expect(good.stderr).toBe('');
    writeFileSync(file, withPull('Meta will win everything.'));
    const bad = await runCli(['check', '--data', dir]);
    expect(bad.code).toBe(0);
    expect(bad.stderr).toMatch(
      /warning: .*\.yaml:\d+: reviews\[7\]\.pull: the pull is not words of the quote/,
    );
  });
});
