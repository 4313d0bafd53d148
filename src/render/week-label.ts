// "23–29 November 2026": the days an issue covers, in the newsletter's zone. Pure.
import { TZDate } from '@date-fns/tz';
import { addDays } from 'date-fns/addDays';
import { format } from 'date-fns/format';
import { parseWeek, weekStart } from '../content/index.ts';

export function weekLabel(week: string, zone: string): string {
  const parsed = parseWeek(week);
  if (!parsed.ok) return week;
  const start = new TZDate(weekStart(parsed.value, zone).getTime(), zone);
  const end = addDays(start, 6);
  if (start.getFullYear() !== end.getFullYear())
    return `${format(start, 'd MMM yyyy')} – ${format(end, 'd MMM yyyy')}`;
  if (start.getMonth() !== end.getMonth())
    return `${format(start, 'd MMM')} – ${format(end, 'd MMM yyyy')}`;
  return `${format(start, 'd')}–${format(end, 'd MMMM yyyy')}`;
}
