// What the preview has computed since the last change: the data folder, each week's preview
// and the week list. Rendering a week (MJML, lint) takes a while, and one page load asks for
// it twice (page, iframe), so results are kept until a watched file changes.
import type { Config } from '../../config.ts';
import { formatWeek, type Week } from '../../content/week.ts';
import { type ContentResult, loadDraftContent } from './draft-content.ts';
import { currentWeek, listWeeks, type WeekEntry } from './week-list.ts';
import { previewWeek, type WeekPreview } from './week-preview.ts';

export type PreviewState = {
  content: () => Promise<ContentResult>;
  week: (week: Week) => Promise<WeekPreview>;
  weeks: () => Promise<WeekEntry[]>;
  /** Forget everything (a watched file changed). */
  clear: () => void;
};

export type PreviewStateInput = {
  config: Config;
  templatesDir: string;
  cwd: string;
  now: () => Date;
};

const MAX_WEEKS = 16;

export function createPreviewState(input: PreviewStateInput): PreviewState {
  // Replaced (not emptied) on clear, so a render that started before a change cannot put its
  // stale result into the new generation.
  let memo = new Map<string, Promise<unknown>>();
  const once = <T>(key: string, make: () => Promise<T>): Promise<T> => {
    const current = memo;
    let hit = current.get(key) as Promise<T> | undefined;
    if (!hit) {
      hit = make();
      current.set(key, hit);
      if (current.size > MAX_WEEKS + 2) current.delete(current.keys().next().value!);
    }
    return hit;
  };
  const content = () => once('content', () => loadDraftContent(input.config.DATA_DIR, input.cwd));
  return {
    content,
    week: (week) => {
      const current = currentWeek(input.now(), input.config.NEWSLETTER_TIMEZONE);
      return once(`week:${formatWeek(week)}:${formatWeek(current)}`, () =>
        previewWeek({ ...input, week, current, content }),
      );
    },
    weeks: () => {
      const now = input.now();
      const current = formatWeek(currentWeek(now, input.config.NEWSLETTER_TIMEZONE));
      return once(`weeks:${current}`, () => listWeeks({ config: input.config, now, content }));
    },
    clear: () => {
      memo = new Map();
    },
  };
}
