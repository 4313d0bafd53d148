import { describe, expect, it } from 'vitest';
import { parseWeek } from '../../src/content/week.ts';
import { planIssue } from '../../src/pipeline/plan-issue.ts';
import { comparison, content } from '../support/content-factory.ts';
import { tempDir } from '../support/paths.ts';

const w = (t: string) => {
  const p = parseWeek(t);
  if (!p.ok) throw new Error(p.error);
  return p.value;
};

describe('planIssue', () => {
  const c = content([
    comparison('p1', '2026-11-24T10:00:00Z', ['a', 'b']),
    comparison('p2', '2026-12-01T10:00:00Z', ['c', 'd']),
  ]);
  const opts = { content: c, issuesDir: tempDir(), zone: 'UTC', maxPairs: 6 };

  it('plans from an empty archive: every published pair, issue #1', async () => {
    const { issue } = await planIssue({ ...opts, week: w('2026-W49') });
    expect(issue?.pairs.map((p) => p.id)).toEqual(['p1', 'p2']);
    expect(issue?.number).toBe(1);
  });

  it('counts issues that go out first as carried and as earlier issues', async () => {
    const first = (await planIssue({ ...opts, week: w('2026-W48') })).issue!;
    const { issue } = await planIssue({ ...opts, week: w('2026-W49'), before: [first] });
    expect(issue?.pairs.map((p) => p.id)).toEqual(['p2']);
    expect(issue?.number).toBe(2);
  });
});
