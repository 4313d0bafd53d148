import { createTask } from 'node-cron';
import { describe, expect, it } from 'vitest';
import { type CronSchedule, parseSchedule } from '../../src/schedule/slots.ts';

const at = (iso: string) => new Date(iso);
const schedule = (expr: string, zone = 'UTC'): CronSchedule => {
  const s = parseSchedule(expr, zone);
  if (!s.ok) throw new Error(s.error);
  return s.value;
};

describe('parseSchedule', () => {
  it('names SEND_SCHEDULE, the bad field and an example when the expression is invalid', () => {
    const bad = parseSchedule('0 25 * * 1', 'UTC');
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.error).toContain('SEND_SCHEDULE "0 25 * * 1"');
    expect(bad.error).toContain('hour');
    expect(bad.error).toContain('0 9 * * 1');
    const words = parseSchedule('every monday', 'UTC');
    expect(!words.ok && words.error).toContain('expected 5 or 6 fields');
  });

  it('names NEWSLETTER_TIMEZONE when the zone is not an IANA zone', () => {
    const bad = parseSchedule('0 9 * * 1', 'Europe/Atlantis');
    expect(!bad.ok && bad.error).toContain('NEWSLETTER_TIMEZONE "Europe/Atlantis"');
  });
});

describe('next and previous slot', () => {
  const weekly = schedule('0 9 * * 1');

  it('finds the Monday 09:00 around an instant, strictly after / at or before', () => {
    expect(weekly.next(at('2026-11-28T12:00:00Z'))).toEqual(at('2026-11-30T09:00:00Z'));
    expect(weekly.previous(at('2026-11-28T12:00:00Z'))).toEqual(at('2026-11-23T09:00:00Z'));
    expect(weekly.next(at('2026-11-30T09:00:00Z'))).toEqual(at('2026-12-07T09:00:00Z'));
    expect(weekly.previous(at('2026-11-30T09:00:00Z'))).toEqual(at('2026-11-30T09:00:00Z'));
    expect(weekly.previous(at('2026-11-30T08:59:59Z'))).toEqual(at('2026-11-23T09:00:00Z'));
  });

  it('crosses a year boundary (ISO week 2026-W53 → 2027-W01)', () => {
    expect(weekly.next(at('2026-12-29T00:00:00Z'))).toEqual(at('2027-01-04T09:00:00Z'));
    expect(weekly.previous(at('2027-01-03T00:00:00Z'))).toEqual(at('2026-12-28T09:00:00Z'));
  });

  it('respects a lookback limit', () => {
    expect(weekly.previous(at('2026-11-28T12:00:00Z'), 2)).toBeNull();
    expect(weekly.previous(at('2026-11-28T12:00:00Z'), 5)).toEqual(at('2026-11-23T09:00:00Z'));
  });

  it('handles lists, ranges, steps and seconds', () => {
    const s = schedule('30 */15 9-10 * * mon,wed');
    expect(s.next(at('2026-11-30T10:50:00Z'))).toEqual(at('2026-12-02T09:00:30Z'));
    expect(s.previous(at('2026-12-02T09:00:29Z'))).toEqual(at('2026-11-30T10:45:30Z'));
  });

  it('finds rare slots (29 February) years away', () => {
    const leap = schedule('0 12 29 2 *');
    expect(leap.next(at('2026-03-01T00:00:00Z'))).toEqual(at('2028-02-29T12:00:00Z'));
    expect(leap.previous(at('2026-03-01T00:00:00Z'))).toEqual(at('2024-02-29T12:00:00Z'));
  });

  it('agrees with node-cron’s own next runs from the real clock', () => {
    for (const expr of [
      '0 9 * * 1',
      '*/7 3,17 * * *',
      '0 0 L * *',
      '15 6 * * 2#3',
      '0 8 15W * *',
    ]) {
      for (const zone of ['UTC', 'Europe/London', 'America/New_York', 'Asia/Kolkata']) {
        const task = createTask(expr, () => {}, { timezone: zone });
        const now = new Date();
        const runs = task.getNextRuns(3);
        task.destroy();
        const ours: Date[] = [];
        let from = now;
        for (let i = 0; i < 3; i++) {
          from = schedule(expr, zone).next(from)!;
          ours.push(from);
        }
        expect(ours, `${expr} in ${zone}`).toEqual(runs);
      }
    }
  });
});

describe('daylight saving in Europe/London', () => {
  const london = schedule('0 9 * * 1', 'Europe/London');

  it('Monday 09:00 local is 09:00Z before the spring change and 08:00Z after it', () => {
    // Clocks go forward on Sunday 2026-03-29.
    expect(london.previous(at('2026-03-29T12:00:00Z'))).toEqual(at('2026-03-23T09:00:00Z'));
    expect(london.next(at('2026-03-29T12:00:00Z'))).toEqual(at('2026-03-30T08:00:00Z'));
  });

  it('and back to 09:00Z after the autumn change', () => {
    // Clocks go back on Sunday 2026-10-25.
    expect(london.previous(at('2026-10-25T12:00:00Z'))).toEqual(at('2026-10-19T08:00:00Z'));
    expect(london.next(at('2026-10-25T12:00:00Z'))).toEqual(at('2026-10-26T09:00:00Z'));
  });

  it('matches exactly once in the week after the change, minute by minute', () => {
    const hits: string[] = [];
    const start = at('2026-03-29T00:00:00Z').getTime();
    for (let t = start; t < start + 8 * 86_400_000; t += 60_000) {
      if (london.matches(new Date(t))) hits.push(new Date(t).toISOString());
    }
    expect(hits).toEqual(['2026-03-30T08:00:00.000Z']);
  });

  it('skips a local time that does not exist (01:30 on the spring-forward night)', () => {
    const nightly = schedule('30 1 * * *', 'Europe/London');
    expect(nightly.next(at('2026-03-28T12:00:00Z'))).toEqual(at('2026-03-30T00:30:00Z'));
    expect(nightly.previous(at('2026-03-29T23:00:00Z'))).toEqual(at('2026-03-28T01:30:00Z'));
  });
});
