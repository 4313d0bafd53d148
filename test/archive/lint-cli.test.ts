import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { dataDir, tempDir } from '../support/paths.ts';

describe('verdicts lint', () => {
  it('exits 0 on the seed week', async () => {
    const run = await runCli(['lint', '--week', '2026-W48', '--issues', tempDir()]);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(
      /^2026-W48: email\.html \d+\.\d KB on the wire \(\d+\.\d KB decoded\), 1 pair\(s\): clean\n$/,
    );
    expect(run.code).toBe(0);
  });

  it('exits 1 and lists the findings when the email would be clipped', async () => {
    const root = tempDir('verdicts-data-');
    const data = path.join(root, 'data');
    cpSync(dataDir, data, { recursive: true });
    const tool = path.join(data, 'tools/smolvlm2.yaml');
    const long = 'An endless tagline. '.repeat(6000);
    writeFileSync(
      tool,
      readFileSync(tool, 'utf8').replace(/^tagline: .*$/m, `tagline: ${long.trim()}`),
    );
    const run = await runCli(['lint', '--week', '2026-W48', '--data', data, '--issues', root]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('lint: 1 finding(s)');
    expect(run.stdout).toMatch(/\[size\] .*over the 100\.0 KB limit/);
  });
});

describe('verdicts lint and the archive', () => {
  it('reports an archive built for another PUBLIC_BASE_URL than the one set now', async () => {
    const issues = tempDir('verdicts-issues-');
    const db = path.join(tempDir('verdicts-db-'), 'v.db');
    const build = await runCli(['build', '--week', '2026-W48', '--issues', issues, '--db', db], {
      env: { PUBLIC_BASE_URL: 'https://verdicts.example.com' },
    });
    expect(build.code, build.stderr).toBe(0);
    const same = await runCli(['lint', '--week', '2026-W48', '--issues', issues], {
      env: { PUBLIC_BASE_URL: 'https://verdicts.example.com' },
    });
    expect(same.stdout).toMatch(/: clean\n$/);
    const other = await runCli(['lint', '--week', '2026-W48', '--issues', issues], {
      env: { PUBLIC_BASE_URL: 'https://news.example.org' },
    });
    expect(other.code).toBe(1);
    expect(other.stdout).toMatch(
      /\[links\] issues\/2026-W48 was built for PUBLIC_BASE_URL=https:\/\/verdicts\.example\.com, not https:\/\/news\.example\.org: send refuses it, and --accept cannot pass it/,
    );
    // It is not offered as acceptable: no id to accept, no "sends it anyway"...
    expect(other.stdout).not.toMatch(/links-[0-9a-f]{8}/);
    expect(other.stdout).not.toContain('sends it anyway');
    expect(other.stdout).toContain('--accept cannot pass this');
    // ...because send refuses it even when the whole rule is accepted.
    const send = await runCli(
      ['send', '--week', '2026-W48', '--issues', issues, '--db', db, '--accept', 'links'],
      { env: { PUBLIC_BASE_URL: 'https://news.example.org' } },
    );
    expect(send.code).toBe(1);
    expect(send.stderr).toContain('was built for PUBLIC_BASE_URL=https://verdicts.example.com');
  });
});
