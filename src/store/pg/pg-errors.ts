// PostgreSQL connection failures as the project's errors: one line that names the server
// (never its password) and says what went wrong, and a test for "the server went away", which
// callers treat as resumable (nothing was half-done: every change is one transaction).
import { VerdictsError } from '../../errors.ts';

type PgLikeError = { code?: unknown; message?: unknown; errors?: unknown };

/** The URL without its password, for messages: postgres://user:***@host:port/db. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'DATABASE_URL (not a valid URL)';
  }
}

const codeOf = (e: unknown): string | undefined => {
  const code = (e as PgLikeError | null)?.code;
  return typeof code === 'string' ? code : undefined;
};
const messageOf = (e: unknown): string => {
  const m = (e as PgLikeError | null)?.message;
  return typeof m === 'string' ? m : String(e);
};
/** Node's AggregateError (a host with several addresses) carries the real causes. */
const causes = (e: unknown): unknown[] => {
  const inner = (e as PgLikeError | null)?.errors;
  return Array.isArray(inner) && inner.length > 0 ? [e, ...inner] : [e];
};

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);

/**
 * A connection-level failure: the server refused, dropped or closed the connection, or is
 * shutting down or starting up. Not an error of the statement: the same work can be retried.
 */
export function isPgUnavailable(e: unknown): boolean {
  return causes(e).some((c) => {
    const code = codeOf(c);
    if (code !== undefined) {
      if (NETWORK_CODES.has(code)) return true;
      // 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now, 08xxx connection.
      if (code === '57P01' || code === '57P02' || code === '57P03') return true;
      if (/^08[0-9A-Z]{3}$/.test(code)) return true;
    }
    const m = messageOf(c);
    return (
      /Connection terminated/i.test(m) ||
      /timeout expired/i.test(m) ||
      /connection timeout/i.test(m) ||
      /Client has encountered a connection error/i.test(m)
    );
  });
}

/** A failure to connect (or to authenticate) at open, as one clear line. */
export function connectError(e: unknown, url: string): VerdictsError<'store'> {
  const where = `PostgreSQL at ${redactUrl(url)}`;
  const all = causes(e);
  const codes = all.map(codeOf);
  if (codes.includes('28P01') || codes.includes('28000')) {
    return new VerdictsError(
      'store',
      'db_auth_failed',
      `${where} refused the login: ${messageOf(e)}`,
    );
  }
  if (codes.includes('3D000')) {
    return new VerdictsError('store', 'db_missing', `${where}: ${messageOf(e)}`);
  }
  if (codes.includes('ECONNREFUSED')) {
    return new VerdictsError(
      'store',
      'db_unreachable',
      `cannot reach ${where}: connection refused`,
    );
  }
  if (codes.includes('ENOTFOUND') || codes.includes('EAI_AGAIN')) {
    return new VerdictsError('store', 'db_unreachable', `cannot reach ${where}: unknown host`);
  }
  if (isPgUnavailable(e)) {
    const why =
      /timeout/i.test(all.map(messageOf).join(' ')) || codes.includes('ETIMEDOUT')
        ? 'timed out'
        : messageOf(e);
    return new VerdictsError('store', 'db_unreachable', `cannot reach ${where}: ${why}`);
  }
  return new VerdictsError('store', 'db_open_failed', `cannot open ${where}: ${messageOf(e)}`);
}

/**
 * A connection-level failure in the middle of work (the server stopped, restarted or dropped
 * the connection), as one line. Resumable: every change is one transaction, so nothing was
 * half-written, and the same command carries on once the server is back.
 */
export function unavailableError(e: unknown, url: string): VerdictsError<'store'> {
  const why = messageOf(e).replace(/\s+/g, ' ').trim() || codeOf(e) || 'connection lost';
  return new VerdictsError(
    'store',
    'db_unavailable',
    `lost the connection to PostgreSQL at ${redactUrl(url)} (${why}); stopped, nothing is lost: run the same command again once the server is back`,
  );
}

/** Any connection-level failure `fn` meets, as `unavailableError`; every other error as it is. */
export function asUnavailable(url: string): (e: unknown) => unknown {
  return (e) => (e instanceof VerdictsError || !isPgUnavailable(e) ? e : unavailableError(e, url));
}
