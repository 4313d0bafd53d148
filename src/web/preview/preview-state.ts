// What the preview has computed since the last change: the data folder, each week's preview
// and the week list. Rendering a week (MJML, lint) takes a while, and one page load asks for
// it twice (page, iframe), so results are kept until a watched file changes.
import type { Config } from '../../config.ts';
import { formatWeek, type Week } from '../../content/week.ts';
import type { LintFinding } from '../../render/lint.ts';
import { type ContentResult, loadDraftContent } from './draft-content.ts';
import { lintWeek } from './lint-week.ts';
import { currentWeek, listWeeks, type WeekEntry } from './week-list.ts';
import { previewWeek, type WeekPreview } from './week-preview.ts';

export type PreviewState = {
  content: () => Promise<ContentResult>;
  week: (week: Week) => Promise<WeekPreview>;
  findings: (week: Week) => Promise<LintFinding[]>;
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
/** Per week: its preview and its findings; plus the content and the list. */
const MAX_ENTRIES = MAX_WEEKS * 2 + 2;

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
      // Nothing here is meant to reject; if something does, don't keep it, and don't let a
      // result nobody awaited (lint started for a panel) become an unhandled rejection.
      hit.catch(() => {
        if (current.get(key) === hit) current.delete(key);
      });
      if (current.size > MAX_ENTRIES) current.delete(current.keys().next().value!);
    }
    return hit;
  };
  const content = () => once('content', () => loadDraftContent(input.config.DATA_DIR, input.cwd));
  // A draft depends on which week is current (see planDraft), so that is part of the key.
  const key = (w: Week) =>
    `${formatWeek(w)}:${formatWeek(currentWeek(input.now(), input.config.NEWSLETTER_TIMEZONE))}`;
  const week = (w: Week) =>
    once(`week:${key(w)}`, () =>
      previewWeek({
        ...input,
        week: w,
        current: currentWeek(input.now(), input.config.NEWSLETTER_TIMEZONE),
        content,
      }),
    );
  const baseUrl = input.config.PUBLIC_BASE_URL;
  return {
    content,
    week,
    findings: (w) => once(`lint:${key(w)}`, async () => lintWeek(await week(w), baseUrl)),
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
