import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PairScore } from '../../src/content/issue.ts';
import { runCli } from '../support/cli.ts';
import { fixturesDir, repoRoot, tempDir } from '../support/paths.ts';

// The eight reviewer quotes as the comparison page prints them, in page order.
function seedQuotes(): string[] {
  const lines = readFileSync(path.join(fixturesDir, 'seed/comparison-page.txt'), 'utf8').split(
    '\n',
  );
  const start = lines.indexOf('Reviewer scorecard') + 1;
  return lines.slice(start, start + 8).map((l) => l.replace(/^“/, '').replace(/”$/, ''));
}

describe('verdicts pairs', () => {
  it('lists the seed pair for 2026-W48 with its scores and the exact quotes', async () => {
    const empty = tempDir();
    const r = await runCli(['pairs', '--week', '2026-W48', '--json', '--issues', empty], {
      cwd: repoRoot,
    });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { week: string; pairs: PairScore[] };
    expect(out.week).toBe('2026-W48');
    expect(out.pairs).toHaveLength(1);
    const [pair] = out.pairs;
    expect(pair!.headline).toBe('SmolVLM2 vs Code Llama 4');
    const [smol, llama] = pair!.tools;
    expect([smol.name, smol.shipPercent, smol.ships, smol.reviews]).toEqual([
      'SmolVLM2',
      100,
      4,
      4,
    ]);
    expect([llama.name, llama.shipPercent, llama.ships, llama.reviews]).toEqual([
      'Code Llama 4',
      75,
      3,
      4,
    ]);
    expect([smol.communityPercent, llama.communityPercent]).toEqual([null, null]);
    expect([smol.entryPrice, llama.entryPrice]).toEqual(['Free', 'Free']);
    const buyer = pair!.split.find((l) => l.lensName === 'The Buyer');
    expect(buyer?.verdicts.map((v) => v?.verdict)).toEqual(['ship', 'skip']);
    // Page order is lens by lens, SmolVLM2 then Code Llama 4.
    const quotes = pair!.split.flatMap((l) => l.verdicts.map((v) => v?.quote));
    expect(quotes).toEqual(seedQuotes());
  });

  it('says so when a week has no new pairs', async () => {
    const r = await runCli(['pairs', '--week', '2026-W47', '--issues', tempDir()], {
      cwd: repoRoot,
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('2026-W47: no new pairs, so no issue this week.\n');
  });

  it('refuses a week that does not exist', async () => {
    const r = await runCli(['pairs', '--week', '2027-W53'], { cwd: repoRoot });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--week: 2027-W53: 2027 has weeks 01 to 52');
  });
});
