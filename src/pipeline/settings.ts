// The settings each consumer takes, mapped from Config once, in the composition root. A job
// sees its own narrow record (listmonk's manager.Config), never the whole Config.
import type { Config } from '../config.ts';
import type { LinkContext } from '../links.ts';
import { type RenderOptions, renderOptions } from '../render/index.ts';
import type { SenderSettings } from '../send/index.ts';

export type JobSettings = {
  dataDir: string;
  /** A data file larger than this is a problem, never read (DATA_FILE_MAX_BYTES). */
  dataFileMaxBytes: number;
  issuesDir: string;
  plan: { zone: string; maxPairs: number };
  render: RenderOptions;
  /** What every message of an issue shares: sender, reply-to, link signing. */
  email: { from: string; replyTo: string | undefined; links: LinkContext };
  /** The sender's own settings; `resendUncertain` is the operator's word per run. */
  sender: Omit<SenderSettings, 'resendUncertain'>;
  leaseMs: number;
  /** Where .eml files go when the outbox is the transport (null: Resend). */
  outboxDir: string | null;
  /** The public site's base URL (lint, preview links). */
  baseUrl: string;
  /** Take the sender's request slots from the team's budget in the store (with Resend only). */
  sharedRate: boolean;
};

export function jobSettings(config: Config): JobSettings {
  return {
    dataDir: config.DATA_DIR,
    dataFileMaxBytes: config.DATA_FILE_MAX_BYTES,
    issuesDir: config.ISSUES_DIR,
    plan: { zone: config.NEWSLETTER_TIMEZONE, maxPairs: config.MAX_PAIRS_PER_ISSUE },
    render: renderOptions(config),
    email: {
      from: config.FROM_EMAIL,
      replyTo: config.REPLY_TO,
      links: { baseUrl: config.PUBLIC_BASE_URL, secret: config.TOKEN_SECRET },
    },
    sender: {
      ratePerSecond: config.RESEND_RATE_LIMIT,
      idempotencyWindowMs: config.IDEMPOTENCY_WINDOW_HOURS * 3_600_000,
      maxInFlight: config.SEND_MAX_IN_FLIGHT,
      backoff: { baseMs: config.SEND_RETRY_BASE_MS, capMs: config.SEND_RETRY_CAP_MS },
      maxRetries: config.SEND_MAX_RETRIES,
    },
    leaseMs: config.LEASE_SECONDS * 1000,
    outboxDir: config.RESEND_API_KEY ? null : config.OUTBOX_DIR,
    baseUrl: config.PUBLIC_BASE_URL,
    sharedRate: config.RESEND_SHARED_RATE,
  };
}

export const senderSettings = (s: JobSettings, resendUncertain = false): SenderSettings => ({
  ...s.sender,
  resendUncertain,
});
