// The loop the vote buttons open: votes cast on one issue's pairs show, with the data files'
// counts, in the next issue's "How readers voted last issue" (HTML and text).
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/db.ts';
import { createSubscribers } from '../../src/store/subscribers.ts';
import { createVotes } from '../../src/store/votes.ts';
import { runCli } from '../support/cli.ts';
import { dataDir, tempDir } from '../support/paths.ts';

describe('community recap in the next issue', () => {
  it('shows how readers voted on the previous issue, from stored votes', async () => {
    const dir = tempDir();
    const data = path.join(dir, 'data');
    cpSync(dataDir, data, { recursive: true });
    // The seed pair a week earlier (W47), and a rematch in W48: both in the past, as `build`
    // leaves out pairs not published yet.
    const seedFile = path.join(data, 'comparisons/2026-11-24-smolvlm2-vs-code-llama-4.yaml');
    const seed = readFileSync(seedFile, 'utf8');
    writeFileSync(seedFile, seed.replace('publishedAt: 2026-11-24', 'publishedAt: 2026-11-17'));
    writeFileSync(
      path.join(data, 'comparisons/rematch.yaml'),
      seed.replace('id: smolvlm2-vs-code-llama-4', 'id: rematch'),
    );
    const args = [
      '--data',
      data,
      '--issues',
      path.join(dir, 'issues'),
      '--db',
      path.join(dir, 'v.db'),
    ];
    expect((await runCli(['build', '--week', '2026-W47', ...args])).code).toBe(0);

    const db = openDatabase(path.join(dir, 'v.db'));
    const subs = createSubscribers(db);
    const votes = createVotes(db);
    const now = new Date('2026-11-28T10:00:00Z');
    for (let i = 0; i < 4; i++) {
      const s = subs.add(`reader${i}@example.com`, { source: 'test', status: 'active', now });
      if (!s.ok) throw new Error(s.error);
      const tool = i === 0 ? 'code-llama-4' : 'smolvlm2';
      votes.cast({
        subscriberId: s.value.id,
        pairId: 'smolvlm2-vs-code-llama-4',
        toolId: tool,
        week: '2026-W48',
        now,
      });
    }
    db.close();

    const built = await runCli(['build', '--week', '2026-W48', ...args]);
    expect(built.code, built.stderr).toBe(0);
    const week = path.join(dir, 'issues/2026-W48');
    const issue = JSON.parse(readFileSync(path.join(week, 'issue.json'), 'utf8'));
    expect(issue.pairs.map((p: { id: string }) => p.id)).toEqual(['rematch']);
    expect(issue.recap).toEqual([
      expect.objectContaining({ id: 'smolvlm2-vs-code-llama-4', week: '2026-W47', totalVotes: 4 }),
    ]);
    const text = readFileSync(path.join(week, 'email.txt'), 'utf8');
    expect(text).toContain('HOW READERS VOTED LAST ISSUE');
    expect(text).toContain('SmolVLM2 vs Code Llama 4: SmolVLM2 75% · Code Llama 4 25% (4 votes)');
    const html = readFileSync(path.join(week, 'email.html'), 'utf8');
    expect(html).toContain('How readers voted last issue');
    expect(html).toContain('SmolVLM2 75% &#183; Code Llama 4 25%');
  });
});
