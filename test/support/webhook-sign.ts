// Signs a webhook body the way Resend (Svix / Standard Webhooks) does, for tests of the
// receiving endpoint: base64 HMAC-SHA256 of `${id}.${timestamp}.${body}` keyed with the
// base64-decoded part of a `whsec_<base64>` secret, sent as `v1,<signature>`.
import { createHmac } from 'node:crypto';

export interface SvixHeaders {
  'svix-id': string;
  'svix-timestamp': string;
  'svix-signature': string;
}

export interface SignInput {
  /** `whsec_<base64>` (the prefix is optional). */
  secret: string;
  /** Message id, e.g. `msg_2abc…`. */
  id: string;
  /** Unix seconds. Receivers refuse more than 5 minutes off. */
  timestamp: number;
  /** The raw body, exactly the bytes sent. */
  body: string;
}

export const signature = ({ secret, id, timestamp, body }: SignInput): string => {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const mac = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return `v1,${mac}`;
};

export const signWebhook = (input: SignInput): SvixHeaders => ({
  'svix-id': input.id,
  'svix-timestamp': String(input.timestamp),
  'svix-signature': signature(input),
});

/** The same headers in the shape `resend.webhooks.verify({ headers })` takes. */
export const toVerifyHeaders = (h: SvixHeaders) => ({
  id: h['svix-id'],
  timestamp: h['svix-timestamp'],
  signature: h['svix-signature'],
});
