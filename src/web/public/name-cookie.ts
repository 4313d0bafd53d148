// The name a visitor typed on the subscribe form is never stored: anyone can type any name for
// any address, and the weekly issue greets the reader by it. It is kept on the visitor's own
// browser instead, in a short-lived signed cookie bound to the mailbox they typed, and the
// confirm page prefills its name field from it. So the owner who signs up and confirms on one
// device keeps the name they typed; a stranger's typed name stays on the stranger's device and
// never reaches the owner's confirm page. The name the reader is greeted by is whatever the
// confirm form posts (src/web/public/routes/confirm.ts).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { cleanName, mailboxKey } from '../../store/index.ts';

export const NAME_COOKIE = 'verdicts_signup_name';

type Claims = {
  /** The name as typed (cleaned). */
  n: string;
  /** A keyed hash of the mailbox the form was sent for: the address itself is not in it. */
  m: string;
  /** Expiry, seconds since the epoch. */
  e: number;
};

type Settings = { secret: string; baseUrl: string; ttlMs: number };

const mac = (secret: string, label: string, text: string) =>
  createHmac('sha256', secret).update(`${label}\n${text}`).digest();

const mailboxTag = (secret: string, email: string) =>
  mac(secret, 'signup-name-mailbox', mailboxKey(email)).subarray(0, 16).toString('base64url');

/** The cookie's attributes: only ever sent to the confirm pages, never to scripts. */
function attributes(s: Settings) {
  const base = new URL(s.baseUrl);
  return {
    path: `${base.pathname.replace(/\/+$/, '')}/confirm`,
    httpOnly: true,
    secure: base.protocol === 'https:',
    sameSite: 'Lax' as const,
  };
}

/**
 * After a sign-up from this browser: keep the name it typed for the confirm page (the latest
 * sign-up wins), or forget an older one when none was typed. The header depends only on what
 * was typed, never on the address's state, so it tells a prober nothing.
 */
export function rememberSignupName(
  c: Context,
  s: Settings,
  email: string,
  rawName: string,
  now: Date,
): void {
  const name = cleanName(rawName);
  if (name === null) {
    deleteCookie(c, NAME_COOKIE, attributes(s));
    return;
  }
  const claims: Claims = {
    n: name,
    m: mailboxTag(s.secret, email),
    e: Math.floor((now.getTime() + s.ttlMs) / 1000),
  };
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const sig = mac(s.secret, 'signup-name', body).toString('base64url');
  setCookie(c, NAME_COOKIE, `${body}.${sig}`, {
    ...attributes(s),
    maxAge: Math.floor(s.ttlMs / 1000),
  });
}

/** The name this browser typed when it signed up `email`, if its cookie is ours and current. */
export function signupNameFor(c: Context, s: Settings, email: string, now: Date): string | null {
  const value = getCookie(c, NAME_COOKIE);
  if (!value) return null;
  const [body, sig, extra] = value.split('.');
  if (!body || !sig || extra !== undefined) return null;
  const expected = mac(s.secret, 'signup-name', body);
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  let claims: Claims;
  try {
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Claims;
  } catch {
    return null;
  }
  if (typeof claims.n !== 'string' || typeof claims.e !== 'number') return null;
  if (now.getTime() / 1000 >= claims.e) return null;
  if (claims.m !== mailboxTag(s.secret, email)) return null;
  return cleanName(claims.n);
}

/** After the confirm form for `email` was posted: its name has been used. */
export function forgetSignupName(c: Context, s: Settings, email: string, now: Date): void {
  if (signupNameFor(c, s, email, now) !== null) deleteCookie(c, NAME_COOKIE, attributes(s));
}

/** The settings above, from the public site's deps. */
export const nameCookieSettings = (deps: {
  config: { TOKEN_SECRET: string; PUBLIC_BASE_URL: string };
  limits: { confirmTtlMs: number };
}): Settings => ({
  secret: deps.config.TOKEN_SECRET,
  baseUrl: deps.config.PUBLIC_BASE_URL,
  ttlMs: deps.limits.confirmTtlMs,
});
