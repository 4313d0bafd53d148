// What the preview has computed since the last change: the data folder, each week's preview
// and the week list. Rendering a week (MJML, lint) takes a while, and one page load asks for
// it twice (page, iframe), so results are kept until a watched file changes.
import { formatWeek, readContent, type Week, weekOf } from '../../content/index.ts';
import { type ContentLoad, listWeeks, type WeekEntry } from '../../pipeline/index.ts';
import { type LintFinding, loadTemplates } from '../../render/index.ts';
import type { PreviewDeps } from './deps.ts';
import { lintWeek } from './lint-week.ts';
import { showWeek, type WeekPreview } from './week-preview.ts';

export type PreviewState = {
  week: (week: Week) => Promise<WeekPreview>;
  findings: (week: Week) => Promise<LintFinding[]>;
  weeks: () => Promise<WeekEntry[]>;
  /** Forget everything (a watched file changed). */
  clear: () => void;
};

const MAX_WEEKS = 16;
/** Per week: its preview and its findings; plus the content and the list. */
const MAX_ENTRIES = MAX_WEEKS * 2 + 2;

export function createPreviewState(deps: PreviewDeps): PreviewState {
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
  const content = () =>
    once<ContentLoad>('content', () =>
      readContent(deps.pipeline.settings.dataDir, {
        maxBytes: deps.pipeline.settings.dataFileMaxBytes,
      }),
    );
  const current = () => weekOf(deps.now(), deps.pipeline.settings.plan.zone);
  // A draft depends on which week is current (it assumes that one goes out first).
  const key = (w: Week) => `${formatWeek(w)}:${formatWeek(current())}`;
  const templates = () => loadTemplates(deps.templatesDir);
  const week = (w: Week) =>
    once(`week:${key(w)}`, () => showWeek(deps, w, { current: current(), content, templates }));
  const baseUrl = deps.pipeline.settings.baseUrl;
  return {
    week,
    findings: (w) => once(`lint:${key(w)}`, async () => lintWeek(await week(w), baseUrl)),
    weeks: () => {
      const now = deps.now();
      return once(`weeks:${formatWeek(current())}`, () =>
        listWeeks(deps.pipeline, { now, content }),
      );
    },
    clear: () => {
      memo = new Map();
    },
  };
}
