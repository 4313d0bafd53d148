// Resend webhooks. The signature is checked on the raw body before anything is parsed or
// stored; without a configured secret the endpoint refuses everything (503) rather than trust
// unsigned requests. Resend retries until it gets a 2xx, so a duplicate answers 200 too.
import { Hono } from 'hono';
import { routes } from '../../../links.ts';
import { verifyResendWebhook } from '../../../send/index.ts';
import type { PublicContext } from '../context.ts';
import { applyWebhookEvent } from '../webhook-effects.ts';

export function webhookRoutes({ deps }: PublicContext): Hono {
  const app = new Hono();

  app.post(routes.webhook, async (c) => {
    const secret = deps.config.RESEND_WEBHOOK_SECRET;
    if (!secret) {
      deps.logger.error('webhook refused: RESEND_WEBHOOK_SECRET is not set', {});
      deps.metrics?.site.webhook('unconfigured');
      return c.json({ error: 'webhook_secret_not_configured' }, 503);
    }
    const raw = await c.req.text();
    const headers = {
      id: c.req.header('svix-id'),
      timestamp: c.req.header('svix-timestamp'),
      signature: c.req.header('svix-signature'),
    };
    const verified = verifyResendWebhook(raw, headers, secret);
    if (!verified.ok) {
      deps.logger.warn('webhook rejected', { reason: verified.error });
      deps.metrics?.site.webhook(verified.error === 'bad_payload' ? 'bad_payload' : 'rejected');
      return verified.error === 'bad_payload'
        ? c.json({ error: 'bad_payload' }, 400)
        : c.json({ error: 'invalid_signature' }, 401);
    }
    const event = verified.value;
    const { outcome, suppressed } = await applyWebhookEvent(deps, headers.id!, event, raw);
    deps.logger.info('webhook', { type: event.type, outcome, suppressed: suppressed.length });
    deps.metrics?.site.webhook(outcome);
    return c.json({ ok: true, outcome });
  });

  return app;
}
