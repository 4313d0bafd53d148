// Choose the transport from the settings: Resend when RESEND_API_KEY is set, else the local
// outbox. An operator who asks for Resend explicitly (e.g. `--transport resend` on a real send)
// gets an error without a key instead of a quiet fallback to files nobody will read.
import type { Config } from '../config.ts';
import { VerdictsError } from '../errors.ts';
import { createOutboxTransport } from './outbox-transport.ts';
import { assertSafeForRealSend } from './real-send-guard.ts';
import { createResendTransport } from './resend-transport.ts';
import type { Transport } from './transport.ts';

export type TransportChoice = 'auto' | 'resend' | 'outbox';

export type CreateTransportOptions = {
  /** Default `auto`. */
  use?: TransportChoice;
  /** The outbox's Date header clock. */
  now?: () => Date;
  /** Per-request timeout for Resend (default 30 s). */
  timeoutMs?: number;
};

export function createTransport(
  config: Pick<
    Config,
    'RESEND_API_KEY' | 'RESEND_BASE_URL' | 'OUTBOX_DIR' | 'TOKEN_SECRET' | 'PUBLIC_BASE_URL'
  >,
  opts: CreateTransportOptions = {},
): Transport {
  const use = opts.use ?? 'auto';
  const apiKey = config.RESEND_API_KEY;
  if (use === 'resend' && !apiKey) {
    throw new VerdictsError(
      'send',
      'missing_api_key',
      'Resend was asked for but RESEND_API_KEY is not set (without it mail goes to the local outbox)',
    );
  }
  if (use !== 'outbox' && apiKey) {
    assertSafeForRealSend(config);
    return createResendTransport({
      apiKey,
      baseUrl: config.RESEND_BASE_URL,
      timeoutMs: opts.timeoutMs,
    });
  }
  return createOutboxTransport({ dir: config.OUTBOX_DIR, now: opts.now });
}
