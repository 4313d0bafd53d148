import { describe, expect, it } from 'vitest';
import { buildIssue } from '../../src/content/build-issue.ts';
import { publishedInstant, selectPairs } from '../../src/content/select.ts';
import { parseWeek } from '../../src/content/week.ts';
import { at, comparison, content } from '../support/content-factory.ts';

const w = (text: string) => {
  const p = parseWeek(text);
  if (!p.ok) throw new Error(p.error);
  return p.value;
};
const ids = (cs: { id: string }[]) => cs.map((c) => c.id);

const pairs = [
  comparison('p3', '2026-11-26T10:00:00Z', ['e', 'f']),
  comparison('p1', '2026-11-10T10:00:00Z', ['a', 'b']),
  comparison('p2', '2026-11-24', ['c', 'd']),
  comparison('p4', '2026-11-30T00:00:00Z', ['g', 'h']), // exactly at W48's cutoff: next week
];

describe('selection', () => {
  it('takes every uncarried pair before the cutoff, oldest first', () => {
    const s = selectPairs(pairs, {
      week: w('2026-W48'),
      zone: 'UTC',
      carried: new Set(),
      maxPairs: 6,
    });
    expect(ids(s.pairs)).toEqual(['p1', 'p2', 'p3']);
    expect(s.cutoff.toISOString()).toBe('2026-11-30T00:00:00.000Z');
  });

  it('rolls pairs over the maximum, and skipped weeks lose nothing', () => {
    const first = selectPairs(pairs, {
      week: w('2026-W48'),
      zone: 'UTC',
      carried: new Set(),
      maxPairs: 2,
    });
    expect(ids(first.pairs)).toEqual(['p1', 'p2']);
    expect(ids(first.rolledOver)).toEqual(['p3']);
    // W49 is skipped; W50 carries what nobody carried yet, including the rolled-over pair.
    const later = selectPairs(pairs, {
      week: w('2026-W50'),
      zone: 'UTC',
      carried: new Set(ids(first.pairs)),
      maxPairs: 2,
    });
    expect(ids(later.pairs)).toEqual(['p3', 'p4']);
  });

  it('leaves out pairs not published yet at build time', () => {
    const s = selectPairs(pairs, {
      week: w('2026-W48'),
      zone: 'UTC',
      carried: new Set(),
      maxPairs: 6,
      asOf: at('2026-11-25T00:00:00Z'),
    });
    expect(ids(s.pairs)).toEqual(['p1', 'p2']);
  });

  it('reads a date-only publishedAt as midnight in the newsletter zone', () => {
    expect(publishedInstant('2026-11-24', 'America/New_York').toISOString()).toBe(
      '2026-11-24T05:00:00.000Z',
    );
    expect(publishedInstant('2026-07-01', 'Europe/London').toISOString()).toBe(
      '2026-06-30T23:00:00.000Z',
    );
  });

  it('uses the zone for the cutoff across a daylight-saving week', () => {
    // 2026-03-29 23:30 UTC is Monday 00:30 BST: after W13's London cutoff, before UTC's.
    const late = [comparison('late', '2026-03-29T23:30:00Z', ['a', 'b'])];
    const opts = { week: w('2026-W13'), carried: new Set<string>(), maxPairs: 6 };
    expect(ids(selectPairs(late, { ...opts, zone: 'UTC' }).pairs)).toEqual(['late']);
    expect(ids(selectPairs(late, { ...opts, zone: 'Europe/London' }).pairs)).toEqual([]);
    expect(
      ids(selectPairs(late, { ...opts, week: w('2026-W14'), zone: 'Europe/London' }).pairs),
    ).toEqual(['late']);
  });

  it('gives no issue when a week has no new pairs', () => {
    const built = buildIssue({
      content: content(pairs),
      week: w('2026-W48'),
      zone: 'UTC',
      carried: new Set(['p1', 'p2', 'p3']),
      maxPairs: 6,
      number: 2,
    });
    expect(built.issue).toBeNull();
  });
});
