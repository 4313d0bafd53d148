// Signed, deterministic tokens for links in emails and pages: HMAC-SHA256 over purpose,
// subject and expiry, truncated to 128 bits. Same inputs, same token (so a re-sent batch is
// byte-identical); verification is constant-time. Subjects are ids, never e-mail addresses.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { err, ok, type Result } from './result.ts';

export type TokenPurpose = 'unsubscribe' | 'confirm' | 'vote';

/** `expiresAt` in whole seconds since the epoch; 0 means the token never expires. */
export type TokenClaims = { purpose: TokenPurpose; subject: string; expiresAt: number };
export type TokenError = 'malformed' | 'bad_signature' | 'expired';

const SUBJECT = /^[A-Za-z0-9_:-]{1,128}$/;

function mac(secret: string, c: TokenClaims): string {
  return createHmac('sha256', secret)
    .update(`${c.purpose}\n${c.subject}\n${c.expiresAt}`)
    .digest()
    .subarray(0, 16)
    .toString('base64url');
}

export function signToken(secret: string, claims: TokenClaims): string {
  if (!SUBJECT.test(claims.subject)) throw new Error(`signToken: bad subject "${claims.subject}"`);
  return `${claims.subject}.${claims.expiresAt.toString(36)}.${mac(secret, claims)}`;
}

export function verifyToken(
  secret: string,
  purpose: TokenPurpose,
  token: string,
  now: Date,
): Result<TokenClaims, TokenError> {
  const parts = token.split('.');
  if (parts.length !== 3) return err('malformed');
  const [subject, exp36, sig] = parts as [string, string, string];
  const expiresAt = Number.parseInt(exp36, 36);
  if (!SUBJECT.test(subject) || !Number.isSafeInteger(expiresAt) || !/^[\w-]{22}$/.test(sig)) {
    return err('malformed');
  }
  const claims = { purpose, subject, expiresAt };
  const expected = Buffer.from(mac(secret, claims), 'base64url');
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return err('bad_signature');
  if (expiresAt !== 0 && now.getTime() / 1000 >= expiresAt) return err('expired');
  return ok(claims);
}
