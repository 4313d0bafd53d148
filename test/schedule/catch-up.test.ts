import { describe, expect, it } from 'vitest';
import { formatWeek } from '../../src/content/week.ts';
import { decideCatchUp, dueWeek } from '../../src/schedule/catch-up.ts';

const at = (iso: string) => new Date(iso);
const base = { zone: 'UTC', graceHours: 24 };

describe('dueWeek', () => {
  it('is the ISO week containing the instant, in the newsletter zone', () => {
    expect(formatWeek(dueWeek(at('2026-11-30T09:00:00Z'), 'UTC'))).toBe('2026-W49');
    expect(formatWeek(dueWeek(at('2026-11-29T23:30:00Z'), 'UTC'))).toBe('2026-W48');
    // 23:30Z on Sunday is already Monday 00:30 in Paris (winter, UTC+1).
    expect(formatWeek(dueWeek(at('2026-11-29T23:30:00Z'), 'Europe/Paris'))).toBe('2026-W49');
    expect(formatWeek(dueWeek(at('2027-01-03T12:00:00Z'), 'UTC'))).toBe('2026-W53');
  });
});

describe('decideCatchUp', () => {
  const slot = at('2026-11-30T09:00:00Z');

  it('runs a missed, unsent slot within the grace period', () => {
    const d = decideCatchUp({ ...base, slot, now: at('2026-12-01T08:59:00Z'), state: 'unsent' });
    expect(d.action).toBe('run');
    expect(d.action === 'run' && formatWeek(d.week)).toBe('2026-W49');
    expect(d.reason).toBe('catching up the missed slot for 2026-W49 (23 hours 59 minutes late)');
  });

  it('runs at exactly the grace limit and skips one second later, saying why', () => {
    const limit = at('2026-12-01T09:00:00Z');
    expect(decideCatchUp({ ...base, slot, now: limit, state: 'unsent' }).action).toBe('run');
    const late = decideCatchUp({ ...base, slot, now: at('2026-12-01T09:00:01Z'), state: 'unsent' });
    expect(late.action).toBe('skip');
    expect(late.reason).toContain('1 day 1 second old, beyond CATCH_UP_GRACE_HOURS=24');
    expect(late.reason).toContain('verdicts run --week 2026-W49');
  });

  it('does nothing for a week already sent, however recent', () => {
    const d = decideCatchUp({ ...base, slot, now: at('2026-11-30T09:05:00Z'), state: 'sent' });
    expect(d).toEqual({ action: 'none', reason: '2026-W49 was already sent' });
  });

  it('resumes an interrupted send even beyond the grace period', () => {
    const d = decideCatchUp({ ...base, slot, now: at('2026-12-03T09:00:00Z'), state: 'sending' });
    expect(d.action).toBe('run');
    expect(d.reason).toContain('resuming');
  });

  it('does nothing when the schedule has no earlier slot', () => {
    expect(decideCatchUp({ ...base, slot: null, now: slot, state: 'unsent' }).action).toBe('none');
  });

  it('a grace of zero catches up only a slot that is exactly now', () => {
    const zero = { ...base, graceHours: 0 };
    expect(decideCatchUp({ ...zero, slot, now: slot, state: 'unsent' }).action).toBe('run');
    expect(
      decideCatchUp({ ...zero, slot, now: at('2026-11-30T09:00:01Z'), state: 'unsent' }).action,
    ).toBe('skip');
  });
});
