// `verdicts send --to`: one copy of the week's archived issue with a [TEST] subject. No lease,
// no ledger row, no freeze; the archive is built first when the week has none.
import { formatWeek, type Week } from '../content/index.ts';
import type { Pipeline } from './open-pipeline.ts';
import type { PrepareProblem } from './prepare-week.ts';
import { type SendTestError, sendTest } from './send-test.ts';
import { weekArchive } from './week-archive.ts';

export type SendTestCopyResult =
  | { status: 'no-pairs'; week: string }
  | { status: 'problems'; week: string; problem: PrepareProblem }
  | { status: 'failed'; week: string; error: SendTestError }
  | { status: 'sent'; week: string; id: string; to: string; transport: string };

export async function sendTestCopy(
  p: Pipeline,
  w: Week,
  to: string,
  opts: { signal?: AbortSignal } = {},
): Promise<SendTestCopyResult> {
  const week = formatWeek(w);
  const transport = p.transport();
  const found = await weekArchive(p, w, { build: 'missing', at: p.now() });
  if (found.status !== 'ready') return found;
  const { issue, html, text, meta } = found.archived;
  const res = await sendTest({
    rendered: { subject: meta.subject, html, text },
    issue,
    week,
    to,
    transport,
    email: p.settings.email,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  if (!res.ok) return { status: 'failed', week, error: res.error };
  return {
    status: 'sent',
    week,
    id: res.value.id,
    to: res.value.to,
    transport: res.value.transport,
  };
}
