// Cron maths for SEND_SCHEDULE: validation with a readable error naming the setting, and the
// next slot after / previous slot at or before any instant, in the newsletter's zone. Pure:
// nothing here reads the clock. node-cron decides what matches (its own parser and matcher,
// so the runner's timer and these answers never disagree); this file only walks candidate
// local times day by day. node-cron has no "previous slot"; `cron-parser`
// (CronExpressionParser.parse(expr, { currentDate, tz }).prev()) would replace the walker
// here and nothing else would change.
import { TZDate, tz } from '@date-fns/tz';
import { addDays } from 'date-fns/addDays';
import { format } from 'date-fns/format';
import { startOfDay } from 'date-fns/startOfDay';
import { createTask, type ParsedFields, validateDetailed } from 'node-cron';
import { isValidTimeZone } from '../content/index.ts';
import { err, ok, type Result } from '../result.ts';

export type CronSchedule = {
  expression: string;
  zone: string;
  /** The first slot strictly after `instant`, or null when none within ten years. */
  next(instant: Date): Date | null;
  /** The last slot at or before `instant`, looking back at most `lookbackDays` (default ten years). */
  previous(instant: Date, lookbackDays?: number): Date | null;
  /** Whether `instant` (to the second) is a slot. */
  matches(instant: Date): boolean;
};

const MAX_DAYS = 366 * 10;
const EXAMPLE =
  'expected a cron expression such as "0 9 * * 1" (minute hour day-of-month month day-of-week, in NEWSLETTER_TIMEZONE)';

export function parseSchedule(expression: string, zone: string): Result<CronSchedule, string> {
  const expr = expression.trim();
  if (!isValidTimeZone(zone)) {
    return err(
      `NEWSLETTER_TIMEZONE "${zone}" is not an IANA time zone such as UTC or Europe/London`,
    );
  }
  const checked = validateDetailed(expr);
  if (!checked.valid || !checked.fields) {
    const why = checked.errors.map((e) => `${e.field}: ${e.message}`).join('; ');
    return err(`SEND_SCHEDULE "${expression}" is not a valid schedule (${why}); ${EXAMPLE}`);
  }
  // A task that is never started, used for its matcher only. Destroying it at once takes it
  // out of node-cron's global registry; `match` needs no running timer.
  const task = createTask(expr, () => {}, { timezone: zone });
  task.destroy();
  const matches = (d: Date) => task.match(new Date(Math.floor(d.getTime() / 1000) * 1000));
  const walk = walker(checked.fields, zone, matches);
  return ok({
    expression: expr,
    zone,
    matches,
    next: (instant) => walk(instant, 1, MAX_DAYS),
    previous: (instant, lookbackDays = MAX_DAYS) => walk(instant, -1, lookbackDays),
  });
}

type Clock3 = [hour: number, minute: number, second: number];

function walker(fields: ParsedFields, zone: string, matches: (d: Date) => boolean) {
  const asc = (xs: number[]) => [...xs].sort((a, b) => a - b);
  const [hours, minutes, seconds] = [asc(fields.hour), asc(fields.minute), asc(fields.second)];
  function* times(direction: 1 | -1): Generator<Clock3> {
    const order = (xs: number[]) => (direction === 1 ? xs : [...xs].reverse());
    for (const h of order(hours))
      for (const m of order(minutes)) for (const s of order(seconds)) yield [h, m, s];
  }
  const inZone = { in: tz(zone) };

  return (instant: Date, direction: 1 | -1, maxDays: number): Date | null => {
    const bound = instant.getTime();
    const firstDay = startOfDay(new TZDate(bound, zone), inZone);
    for (let i = 0; i <= maxDays; i++) {
      const day = addDays(firstDay, i * direction, inZone);
      const [y, mo, d] = [day.getFullYear(), day.getMonth(), day.getDate()];
      for (const [h, m, s] of times(direction)) {
        const at = new TZDate(y, mo, d, h, m, s, zone);
        const t = at.getTime();
        if (direction === 1 ? t <= bound : t > bound) continue;
        // A local time inside a spring-forward gap does not exist: node-cron skips it too.
        if (at.getHours() !== h || at.getMinutes() !== m || at.getDate() !== d) continue;
        // The time fields come from the expression, so a miss means the day does not match.
        if (!matches(at)) break;
        return new Date(t);
      }
    }
    return null;
  };
}

/** The next slot after `now`, as an instant and as the operator's wall clock in the zone. */
export function describeNext(
  schedule: CronSchedule,
  now: Date,
): { next: string | null; nextLocal?: string } {
  const at = schedule.next(now);
  if (!at) return { next: null };
  const local = format(new TZDate(at.getTime(), schedule.zone), 'EEE yyyy-MM-dd HH:mm');
  return { next: at.toISOString(), nextLocal: `${local} ${schedule.zone}` };
}
