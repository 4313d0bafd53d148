import { formatWeek, parseWeek, type Week, weekOf } from '../content/index.ts';
import { VerdictsError } from '../errors.ts';

/** `--week` as given, or the week that contains `now` in the newsletter's zone. */
export function weekOption(text: string | undefined, zone: string, now: Date): Week {
  if (text === undefined) return weekOf(now, zone);
  const parsed = parseWeek(text);
  if (!parsed.ok) throw new VerdictsError('cli', 'bad_week', `--week: ${parsed.error}`);
  return parsed.value;
}

export { formatWeek };
