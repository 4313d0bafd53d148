// Resend webhooks (Svix / Standard Webhooks signatures), verified by the SDK on the raw body.
// One of the few files allowed to import `resend`: the server sees only the plain event below.
import { Resend } from 'resend';
import { z } from 'zod';
import { err, ok, type Result } from '../result.ts';

export type SvixHeaders = { id?: string; timestamp?: string; signature?: string };

/** The fields the newsletter acts on; the raw body is kept separately as received. */
export const ResendWebhookEvent = z.object({
  type: z.string(),
  created_at: z.string(),
  data: z
    .object({
      email_id: z.string().optional(),
      to: z.array(z.string()).optional(),
      /** On email.bounced: `type` is Permanent (hard), Transient or Undetermined. */
      bounce: z.object({ type: z.string(), subType: z.string().optional() }).optional(),
      /** On email.clicked: the link as written in the email. */
      click: z.object({ link: z.string() }).loose().optional(),
      /** On email.suppressed: why Resend would not send to the address. */
      suppressed: z
        .object({ type: z.string().optional(), message: z.string().optional() })
        .loose()
        .optional(),
    })
    .loose(),
});
export type ResendWebhookEvent = z.infer<typeof ResendWebhookEvent>;

export type WebhookRejection = 'missing_headers' | 'bad_signature' | 'bad_payload';

// verify() never calls the API; the SDK's constructor insists on a key, so it gets a dummy one.
const verifier = new Resend('re_webhook_verification_only');

/** Verify `rawBody` exactly as received (never re-serialised JSON). Stale timestamps fail too. */
export function verifyResendWebhook(
  rawBody: string,
  headers: SvixHeaders,
  webhookSecret: string,
): Result<ResendWebhookEvent, WebhookRejection> {
  const { id, timestamp, signature } = headers;
  if (!id || !timestamp || !signature) return err('missing_headers');
  let payload: unknown;
  try {
    payload = verifier.webhooks.verify({
      payload: rawBody,
      headers: { id, timestamp, signature },
      webhookSecret,
    });
  } catch (e) {
    // A correct signature over a body that is not JSON: signed by Resend but unusable.
    return e instanceof SyntaxError ? err('bad_payload') : err('bad_signature');
  }
  const parsed = ResendWebhookEvent.safeParse(payload);
  return parsed.success ? ok(parsed.data) : err('bad_payload');
}

/**
 * Resend documents email.bounced as a permanent rejection, so a bounce without a type counts as
 * hard; an explicit Transient or Undetermined one is only recorded.
 */
export const isHardBounce = (e: ResendWebhookEvent) =>
  e.type === 'email.bounced' && (e.data.bounce?.type ?? 'Permanent').toLowerCase() === 'permanent';

/** A bounce's class for the report: hard (permanent) or soft (transient, undetermined). */
export const bounceClass = (e: ResendWebhookEvent): 'hard' | 'soft' | null =>
  e.type !== 'email.bounced' ? null : isHardBounce(e) ? 'hard' : 'soft';
