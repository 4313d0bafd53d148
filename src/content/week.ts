// ISO weeks ("2026-W48") in the newsletter's time zone. All date maths goes through date-fns
// and @date-fns/tz; nothing here reads the clock.
import { TZDate, tz } from '@date-fns/tz';
import { addWeeks } from 'date-fns/addWeeks';
import { getISOWeek } from 'date-fns/getISOWeek';
import { getISOWeeksInYear } from 'date-fns/getISOWeeksInYear';
import { getISOWeekYear } from 'date-fns/getISOWeekYear';
import { setISOWeek } from 'date-fns/setISOWeek';
import { startOfISOWeek } from 'date-fns/startOfISOWeek';
import { err, ok, type Result } from '../result.ts';

export type WeekId = `${number}-W${string}`;
export type Week = { year: number; week: number };

const WEEK_PATTERN = /^(\d{4})-W(\d{2})$/;

export { isValidTimeZone } from '../time-zone.ts';

export function parseWeek(text: string): Result<Week, string> {
  const m = WEEK_PATTERN.exec(text.trim());
  if (!m) return err(`"${text}" is not an ISO week; expected YYYY-Www, e.g. 2026-W48`);
  const year = Number(m[1]);
  const week = Number(m[2]);
  const max = getISOWeeksInYear(new Date(Date.UTC(year, 5, 1)));
  if (week < 1 || week > max) return err(`${text}: ${year} has weeks 01 to ${max}`);
  return ok({ year, week });
}

export function formatWeek({ year, week }: Week): WeekId {
  return `${year}-W${String(week).padStart(2, '0')}` as WeekId;
}

/** The instant the week starts: Monday 00:00 in the zone. */
export function weekStart({ year, week }: Week, zone: string): Date {
  const jan4 = new TZDate(year, 0, 4, zone);
  const inZone = { in: tz(zone) };
  return new Date(startOfISOWeek(setISOWeek(jan4, week, inZone), inZone).getTime());
}

/** The issue cutoff: the first instant of the next week (Monday 00:00 in the zone). */
export function weekEnd(week: Week, zone: string): Date {
  const start = new TZDate(weekStart(week, zone).getTime(), zone);
  return new Date(addWeeks(start, 1).getTime());
}

/** The ISO week an instant falls in, seen from the zone. */
export function weekOf(instant: Date, zone: string): Week {
  const local = new TZDate(instant.getTime(), zone);
  return { year: getISOWeekYear(local), week: getISOWeek(local) };
}

export function nextWeek(week: Week, zone = 'UTC'): Week {
  return weekOf(weekEnd(week, zone), zone);
}

export function previousWeek(week: Week, zone = 'UTC'): Week {
  const start = new TZDate(weekStart(week, zone).getTime(), zone);
  return weekOf(new Date(addWeeks(start, -1).getTime()), zone);
}

export function compareWeeks(a: Week, b: Week): number {
  return a.year - b.year || a.week - b.week;
}

/**
 * The week a slot (or a one-shot run) is due to send: the ISO week, in the newsletter's zone,
 * that contains the instant. The instant is also the cutoff (`asOf`): a pair published
 * after it rolls over to the next issue.
 */
export const dueWeek = (instant: Date, zone: string): Week => weekOf(instant, zone);
