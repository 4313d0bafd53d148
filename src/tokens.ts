// Signed, deterministic tokens for links in emails and pages: HMAC-SHA256 over purpose,
// subject and expiry, truncated to 128 bits. Same inputs, same token (so a re-sent batch is
// byte-identical); verification is constant-time. Subjects are ids, never e-mail addresses.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { type HmacSha256, hmacSha256 } from './hmac-sha256.ts';
import { err, ok, type Result } from './result.ts';

export type TokenPurpose = 'unsubscribe' | 'confirm' | 'vote';

/** `expiresAt` in whole seconds since the epoch; 0 means the token never expires. */
export type TokenClaims = { purpose: TokenPurpose; subject: string; expiresAt: number };
export type TokenError = 'malformed' | 'bad_signature' | 'expired';

const SUBJECT = /^[A-Za-z0-9_:-]{1,128}$/;

const message = (c: TokenClaims) => `${c.purpose}\n${c.subject}\n${c.expiresAt}`;

function mac(secret: string, c: TokenClaims): string {
  return createHmac('sha256', secret)
    .update(message(c))
    .digest()
    .subarray(0, 16)
    .toString('base64url');
}

// Signing runs for every reader of a send (two tokens each), so it keeps the key's signer;
// verification stays on node:crypto, an independent check of every token it is shown.
let signer: { secret: string; sign: HmacSha256 } | undefined;

function fastMac(secret: string, c: TokenClaims): string {
  if (signer?.secret !== secret) signer = { secret, sign: hmacSha256(secret) };
  return signer.sign(message(c)).toString('base64url', 0, 16);
}

export function signToken(secret: string, claims: TokenClaims): string {
  if (!SUBJECT.test(claims.subject)) throw new Error(`signToken: bad subject "${claims.subject}"`);
  return `${claims.subject}.${claims.expiresAt.toString(36)}.${fastMac(secret, claims)}`;
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
