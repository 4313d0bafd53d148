// "Send a test": POST only, from this machine only, one validated address, one copy through
// the configured transport with a [TEST] subject. Nothing is recorded as the week's send.
import type { Hono } from 'hono';
import { parseWeek } from '../../content/index.ts';
import { sendTest } from '../../pipeline/index.ts';
import type { PreviewDeps } from './deps.ts';
import { localOnlyViolation } from './local-only.ts';
import type { PreviewState } from './preview-state.ts';

/** A form with one address; anything bigger is not ours. */
const MAX_BODY = 4 * 1024;

type Answer = { ok: boolean; message: string; id?: string };

export function sendRoute(app: Hono, deps: PreviewDeps, state: PreviewState) {
  app.post('/weeks/:week/send-test', async (c) => {
    const answer = (body: Answer, status: 200 | 400 | 403 | 409 | 413 | 500 | 502) =>
      c.json(body, status, { 'Cache-Control': 'no-store' });
    const forbidden = localOnlyViolation(c);
    if (forbidden) return answer({ ok: false, message: forbidden }, 403);
    if (Number(c.req.header('content-length') ?? 0) > MAX_BODY) {
      return answer({ ok: false, message: 'request too large' }, 413);
    }
    const week = parseWeek(c.req.param('week'));
    if (!week.ok) return answer({ ok: false, message: week.error }, 400);
    let to: unknown;
    try {
      to = (await c.req.parseBody())['to'];
    } catch {
      return answer({ ok: false, message: 'expected a form with a "to" address' }, 400);
    }
    if (typeof to !== 'string') return answer({ ok: false, message: 'no address given' }, 400);
    const preview = await state.week(week.value);
    if (!preview.issue || !preview.rendered || !preview.shown) {
      const why = preview.empty ?? 'this week has problems to fix first';
      return answer({ ok: false, message: `nothing to send: ${why}` }, 409);
    }
    let sent: Awaited<ReturnType<typeof sendTest>>;
    try {
      sent = await sendTest({
        rendered: preview.rendered,
        issue: preview.issue,
        week: preview.week,
        to,
        transport: deps.pipeline.transport(),
        email: deps.pipeline.settings.email,
      });
    } catch (e) {
      return answer({ ok: false, message: `not sent: ${(e as Error).message}` }, 500);
    }
    if (!sent.ok) {
      const status = sent.error.code === 'bad_address' ? 400 : 502;
      return answer({ ok: false, message: sent.error.message }, status);
    }
    const where = sent.value.transport === 'outbox' ? 'the outbox' : 'Resend';
    deps.say?.(`test copy of ${preview.week} to ${sent.value.to} via ${where} (${sent.value.id})`);
    return answer(
      {
        ok: true,
        id: sent.value.id,
        message: `Sent “${sent.value.subject}” to ${sent.value.to} via ${where}.`,
      },
      200,
    );
  });
}
