import { cpSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARCHIVE_FILES } from '../../src/archive/layout.ts';
import { loadConfig } from '../../src/config.ts';
import { VerdictsError } from '../../src/errors.ts';
import { buildFor } from '../support/build-week.ts';
import { runCli } from '../support/cli.ts';
import { dataDir, tempDir } from '../support/paths.ts';

/** Every file under a folder, by relative path, as bytes. */
function snapshot(dir: string): Map<string, Buffer> {
  const names = readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
  return new Map(
    names
      .filter((n) => statSync(path.join(dir, n)).isFile())
      .map((n) => [n, readFileSync(path.join(dir, n))]),
  );
}

describe('verdicts build', () => {
  it('writes the archive of the seed week, and a second run changes no byte', async () => {
    const issues = tempDir('verdicts-issues-');
    const first = await runCli(['build', '--week', '2026-W48', '--issues', issues]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/built 2026-W48 \(issue #1, 1 pair\(s\)\)/);
    expect(first.stdout).toMatch(
      /email\.html \d+\.\d KB on the wire of 100\.0 KB limit \(\d+\.\d KB decoded\)/,
    );
    const week = path.join(issues, '2026-W48');
    expect(readdirSync(week).sort()).toEqual(Object.values(ARCHIVE_FILES).sort());
    expect(readdirSync(issues).sort()).toEqual(['2026-W48', 'feed.xml', 'index.html']);

    const html = readFileSync(path.join(week, 'email.html'), 'utf8');
    expect(html).toMatch(/__vt_[0-9a-f]{16}_unsub__/);
    const meta = JSON.parse(readFileSync(path.join(week, 'meta.json'), 'utf8'));
    expect(meta).toMatchObject({ week: '2026-W48', number: 1, htmlBytes: Buffer.byteLength(html) });
    expect(meta.subject).toBe('SmolVLM2 vs Code Llama 4: which one should you ship?');
    const hash = readFileSync(path.join(week, 'content-hash.txt'), 'utf8');
    expect(hash.trim().split('\n')).toHaveLength(5);
    expect(readFileSync(path.join(issues, 'index.html'), 'utf8')).toContain(
      'SmolVLM2 vs Code Llama 4',
    );

    const before = snapshot(issues);
    const second = await runCli(['build', '--week', '2026-W48', '--issues', issues]);
    expect(second.code, second.stderr).toBe(0);
    const after = snapshot(issues);
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const [name, bytes] of before) expect(after.get(name)!.equals(bytes), name).toBe(true);
  });

  it('says so and writes nothing when the week has no new pairs', async () => {
    const issues = tempDir('verdicts-issues-');
    const run = await runCli(['build', '--week', '2026-W40', '--issues', issues]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('2026-W40: no new pairs, so no issue this week; nothing written.');
    expect(readdirSync(issues)).toEqual([]);
  });

  it('writes nothing when the data is invalid', async () => {
    const root = tempDir('verdicts-data-');
    const data = path.join(root, 'data');
    cpSync(dataDir, data, { recursive: true });
    const tool = path.join(data, 'tools/smolvlm2.yaml');
    writeFileSync(tool, readFileSync(tool, 'utf8').replace('entryPrice: Free', 'entryPrice: 12'));
    const issues = path.join(root, 'issues');
    const run = await runCli(['build', '--week', '2026-W48', '--data', data, '--issues', issues]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('[verdicts] [content]');
    expect(existsSync(issues)).toBe(false);
  });

  it('refuses a frozen week and leaves its archive alone', async () => {
    const issues = tempDir('verdicts-issues-');
    const config = { ...loadConfig({}), ISSUES_DIR: issues, DATA_DIR: dataDir };
    const now = new Date('2026-12-01T00:00:00Z');
    await buildFor(config, '2026-W48', { at: now });
    const before = snapshot(issues);
    // Frozen as a send freezes it: the week's row in a real ledger.
    const res = await buildFor(config, '2026-W48', { at: now }, async (p) => {
      await (await p.store()).ledger.freeze('2026-W48', 'digest', now);
    });
    expect(res.status).toBe('frozen');
    const e = (res.status === 'frozen' ? res.error : null) as VerdictsError;
    expect(e).toBeInstanceOf(VerdictsError);
    expect(e.stage).toBe('archive');
    expect(e.code).toBe('week_frozen');
    expect(e.message).toContain('2026-W48 is frozen');
    const after = snapshot(issues);
    for (const [name, bytes] of before) expect(after.get(name)!.equals(bytes), name).toBe(true);
  });

  it('returns sizes and the issue to callers (run, preview, send)', async () => {
    const issues = tempDir('verdicts-issues-');
    const config = { ...loadConfig({}), ISSUES_DIR: issues, DATA_DIR: dataDir };
    const result = await buildFor(config, '2026-W48', { at: new Date('2026-12-01T00:00:00Z') });
    expect(result.status).toBe('built');
    if (result.status !== 'built') return;
    expect(result.dir).toBe(path.join(issues, '2026-W48'));
    expect(result.issue?.pairs.map((p) => p.id)).toEqual(['smolvlm2-vs-code-llama-4']);
    expect(result.sizes.htmlBytes).toBeGreaterThan(10_000);
    expect(result.sizes.htmlBytes).toBeLessThan(90 * 1024);
    // Before the pair was published there was nothing to build.
    const early = await buildFor(config, '2026-W48', { at: new Date('2026-11-23T12:00:00Z') });
    expect(early.status).toBe('no-pairs');
  });
});
