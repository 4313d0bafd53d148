// Every setting the product reads, validated once at start-up and passed down as plain data.
// Secrets come only from the environment; nothing here is ever logged whole.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { VerdictsError } from './errors.ts';
import { isValidTimeZone } from './time-zone.ts';

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

export const DEV_TOKEN_SECRET = 'dev-only-token-secret-change-me';

export const Config = z.object({
  DATA_DIR: z.string().default('data'),
  ISSUES_DIR: z.string().default('issues'),
  DATABASE_PATH: z.string().default('.verdicts/verdicts.db'),
  /** postgres://user:pass@host:5432/db?sslmode=require — set: the store is PostgreSQL, not DATABASE_PATH. */
  DATABASE_URL: optionalString.refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), {
    message: 'must be a postgres:// or postgresql:// URL',
  }),
  OUTBOX_DIR: z.string().default('.verdicts/outbox'),
  HEALTH_FILE: z.string().default('.verdicts/health.json'),
  NEWSLETTER_TIMEZONE: z
    .string()
    .default('UTC')
    .refine(isValidTimeZone, { message: 'must be an IANA time zone such as UTC or Europe/London' }),
  MAX_PAIRS_PER_ISSUE: positiveInt(6),
  /** A data file larger than this is refused unread: parsing a huge YAML file runs out of memory. */
  DATA_FILE_MAX_BYTES: positiveInt(1024 * 1024),
  PUBLIC_BASE_URL: z.url({ protocol: /^https?$/ }).default('http://localhost:3000'),
  FROM_EMAIL: z.string().default('Weekly AI Tool Verdicts <verdicts@example.com>'),
  REPLY_TO: optionalString,
  POSTAL_ADDRESS: z
    .string()
    .default('Weekly AI Tool Verdicts, 1 Example Street, Example City, EX1 1EX'),
  TOKEN_SECRET: z.string().min(16).default(DEV_TOKEN_SECRET),
  RESEND_API_KEY: optionalString,
  RESEND_BASE_URL: optionalString,
  RESEND_RATE_LIMIT: z.coerce.number().positive().default(2),
  /**
   * With Resend: the sender and every server's mail worker take their request slots from one
   * budget in the database, so together they stay under RESEND_RATE_LIMIT (the team's).
   */
  RESEND_SHARED_RATE: z.stringbool().default(true),
  RESEND_WEBHOOK_SECRET: optionalString,
  /** An address undeliverable (soft bounces) on this many issues in a row is suppressed. */
  SOFT_BOUNCE_LIMIT: positiveInt(3),
  IDEMPOTENCY_WINDOW_HOURS: z.coerce.number().positive().max(24).default(23),
  SEND_SCHEDULE: z.string().default('0 9 * * 1'),
  CATCH_UP_GRACE_HOURS: z.coerce.number().nonnegative().default(24),
  LEASE_SECONDS: positiveInt(60),
  /** Batch requests in flight at once: starts stay paced, a slow answer does not stall the next. */
  SEND_MAX_IN_FLIGHT: positiveInt(4),
  /** Give up on one request after this long and retry it (same idempotency key). */
  SEND_REQUEST_TIMEOUT_SECONDS: z.coerce.number().positive().default(30),
  /** Retry backoff for 5xx and network errors: first wait about this, doubling, capped. */
  SEND_RETRY_BASE_MS: positiveInt(1000),
  SEND_RETRY_CAP_MS: positiveInt(30_000),
  /** Retries of one batch in one run before the run stops (resumable later). */
  SEND_MAX_RETRIES: positiveInt(8),
  LOG_FORMAT: z.enum(['text', 'json']).default('text'),
  PORT: positiveInt(3000),
  PREVIEW_PORT: positiveInt(4000),
  HOST: z.string().default('127.0.0.1'),
  /** Confirmation emails one mailbox (plus-tags and case folded) may be sent per 24 hours. */
  CONFIRM_PER_MAILBOX_PER_DAY: positiveInt(1),
  /** Confirmation emails the whole site may send per hour, across restarts and processes. */
  CONFIRM_PER_HOUR: positiveInt(100),
  /** `serve` behind a reverse proxy: take the client address from X-Forwarded-For (its last entry). */
  TRUST_PROXY: z.stringbool().default(false),
  /** Mail a welcome once to each reader who confirms (false: none). */
  WELCOME_EMAIL: z.stringbool().default(true),
  /** This process in every log line (`instance`) and in `verdicts_info`: default host:pid. */
  INSTANCE_ID: z
    .string()
    .default(() => `${hostname()}:${process.pid}`)
    .transform((v) => v.trim()),
  /** `serve` and `schedule` answer GET /metrics (Prometheus) on this port; unset: no metrics. */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** Bind address of the metrics port (keep it private: a scraper, not the public, reads it). */
  METRICS_HOST: z.string().default('127.0.0.1'),
});
export type Config = z.infer<typeof Config>;

/**
 * Where each setting loadDotEnv put into the environment came from (the `.env` file's path);
 * a setting not in it came from the shell (or whoever started the process).
 */
const dotEnvOrigins = new Map<string, { file: string; value: string }>();

/** "in /repo/.env" or "in the shell environment": where `key`, as `env` holds it, was set. */
function originOf(key: string, env: Record<string, string | undefined>): string {
  const origin = dotEnvOrigins.get(key);
  return origin && origin.value === env[key] ? origin.file : 'the shell environment';
}

/** Read the settings from an environment (process.env by default), failing with every bad field named. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // An empty value (`TOKEN_SECRET=` copied from .env.example) means "use the default".
  const set = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''),
  );
  const parsed = Config.safeParse(set);
  if (!parsed.success) {
    // Each bad setting names where it was set, so a bad line in .env is not hunted in the shell.
    const origins = new Set<string>();
    const details = parsed.error.issues.map((i) => {
      const key = String(i.path[0] ?? '');
      const where = key in set ? originOf(key, env) : undefined;
      if (where) origins.add(where);
      return `${i.path.join('.')}: ${i.message}${where ? ` (set in ${where})` : ''}`;
    });
    const places = origins.size > 0 ? [...origins].join(' and ') : 'the environment';
    throw new VerdictsError('config', 'invalid_config', `invalid settings in ${places}`, details);
  }
  return parsed.data;
}

/**
 * Load `.env` from the working directory when present, under what the environment already
 * sets (Node's own parser, no dependency), remembering which settings came from it.
 */
export function loadDotEnv(
  cwd = process.cwd(),
  env: Record<string, string | undefined> = process.env,
): void {
  const file = path.join(cwd, '.env');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new VerdictsError(
      'config',
      'invalid_config',
      `cannot read ${file}: ${(e as Error).message}`,
    );
  }
  for (const [key, value] of Object.entries(parseEnv(text))) {
    if (env[key] !== undefined || value === undefined) continue;
    env[key] = value;
    dotEnvOrigins.set(key, { file, value });
  }
}
