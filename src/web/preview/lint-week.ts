// The lint findings of a previewed week (render/lint.ts, as `verdicts lint` reports them).
// Kept apart from the preview itself: it is the slowest step, and the email should not wait.
import { finding, type LintFinding, lintRendered } from '../../render/index.ts';
import type { WeekPreview } from './week-preview.ts';

export async function lintWeek(preview: WeekPreview, baseUrl: string): Promise<LintFinding[]> {
  if (!preview.issue || !preview.rendered || !preview.shown) return [];
  try {
    return await lintRendered(preview.rendered, preview.issue, { baseUrl });
  } catch (e) {
    return [finding('mjml', `the lint itself failed: ${(e as Error).message}`)];
  }
}
