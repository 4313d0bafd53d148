import { describe, expect, it } from 'vitest';
import {
  formatWeek,
  nextWeek,
  parseWeek,
  previousWeek,
  weekEnd,
  weekOf,
  weekStart,
} from '../../src/content/week.ts';
import { at } from '../support/content-factory.ts';

const week = (text: string) => {
  const parsed = parseWeek(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
};

describe('ISO weeks', () => {
  it('parses and prints week ids', () => {
    expect(week('2026-W48')).toEqual({ year: 2026, week: 48 });
    expect(formatWeek({ year: 2027, week: 1 })).toBe('2027-W01');
    for (const bad of ['2026-48', '2026-W4', '2026-W00', 'W48', '2026-W48x']) {
      expect(parseWeek(bad).ok).toBe(false);
    }
  });

  it('knows 2026 has a week 53 and 2027 does not', () => {
    expect(parseWeek('2026-W53').ok).toBe(true);
    const w = parseWeek('2027-W53');
    expect(w.ok).toBe(false);
    if (!w.ok) expect(w.error).toMatch(/2027 has weeks 01 to 52/);
  });

  it('crosses the 2026/2027 boundary', () => {
    expect(formatWeek(weekOf(at('2026-12-31T12:00:00Z'), 'UTC'))).toBe('2026-W53');
    expect(formatWeek(weekOf(at('2027-01-03T23:59:59Z'), 'UTC'))).toBe('2026-W53');
    expect(formatWeek(weekOf(at('2027-01-04T00:00:00Z'), 'UTC'))).toBe('2027-W01');
    expect(weekStart(week('2026-W53'), 'UTC').toISOString()).toBe('2026-12-28T00:00:00.000Z');
    expect(weekEnd(week('2026-W53'), 'UTC').toISOString()).toBe('2027-01-04T00:00:00.000Z');
    expect(formatWeek(nextWeek(week('2026-W53')))).toBe('2027-W01');
    expect(formatWeek(previousWeek(week('2027-W01')))).toBe('2026-W53');
  });

  it('counts weeks in the newsletter zone, not UTC', () => {
    // Sunday 23:30 UTC is already Monday in Berlin.
    expect(formatWeek(weekOf(at('2026-11-29T23:30:00Z'), 'UTC'))).toBe('2026-W48');
    expect(formatWeek(weekOf(at('2026-11-29T23:30:00Z'), 'Europe/Berlin'))).toBe('2026-W49');
  });

  it('handles the daylight-saving change in Europe/London (a 167-hour week)', () => {
    const w13 = week('2026-W13'); // clocks go forward on Sunday 29 March 2026
    const start = weekStart(w13, 'Europe/London');
    const end = weekEnd(w13, 'Europe/London');
    expect(start.toISOString()).toBe('2026-03-23T00:00:00.000Z'); // GMT
    expect(end.toISOString()).toBe('2026-03-29T23:00:00.000Z'); // Monday 00:00 BST
    expect((end.getTime() - start.getTime()) / 3_600_000).toBe(167);
    const w43 = week('2026-W43'); // clocks go back on Sunday 25 October 2026
    const hours =
      (weekEnd(w43, 'Europe/London').getTime() - weekStart(w43, 'Europe/London').getTime()) /
      3_600_000;
    expect(hours).toBe(169);
  });
});
