// Proof of work for sign-ups when the site is busy (ALTCHA, self-hosted: altcha-lib here, the
// altcha widget in the reader's browser; no third party). A flood from many addresses can spend
// the site's hourly cap of confirmation emails; a sign-up that carries a solved challenge is not
// held to that cap, so a genuine reader still gets their confirmation. The attacker pays in CPU
// for every sign-up, more the busier the hour (the work doubles with each cap's worth of
// confirmations), and each source address is still held to its own hourly limit.
//
// A challenge is signed with a key derived from TOKEN_SECRET, carries its own expiry (checked
// against the site's clock) and can be used once, on every server: its nonce is spent in the
// store. Verifying costs one HMAC, whatever the work.
import { createHmac, randomInt } from 'node:crypto';
import { type Challenge, createChallenge, type Solution, verifySolution } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import type { LimitsRepo } from '../../store/index.ts';

/** SHA-256 rounds a challenge asks for at least, when the hour is quiet (about 0.1 s). */
export const BASE_WORK = 20_000;
/** The work stops doubling here: 64× the base, a few seconds on a phone. */
const MAX_DOUBLINGS = 6;
/** A challenge shown on a page can be solved and posted within this. */
export const PROOF_TTL_MS = 15 * 60_000;

const ALGORITHM = 'SHA-256';

/** The form field the widget fills (base64 JSON of { challenge, solution }). */
export const PROOF_FIELD = 'altcha';

type Secrets = { hmacSignatureSecret: string; hmacKeySignatureSecret: string };

/** Two keys of their own, derived from TOKEN_SECRET: no new setting, no key shared with links. */
const secretsOf = (tokenSecret: string): Secrets => ({
  hmacSignatureSecret: createHmac('sha256', tokenSecret).update('sign-up-proof').digest('hex'),
  hmacKeySignatureSecret: createHmac('sha256', tokenSecret)
    .update('sign-up-proof-key')
    .digest('hex'),
});

/**
 * The rounds a challenge asks for while `recent` confirmations went out in the last hour under
 * a cap of `cap`: the base when quiet, doubling with each cap's worth, up to 64×.
 */
export const workFor = (recent: number, cap: number): number =>
  BASE_WORK * 2 ** Math.min(MAX_DOUBLINGS, Math.floor(recent / Math.max(1, cap)));

/** A fresh signed challenge of about `work` rounds (the exact count is drawn in [work, 2·work)). */
export async function proofChallenge(
  tokenSecret: string,
  now: Date,
  work: number,
): Promise<Challenge> {
  return createChallenge({
    algorithm: ALGORITHM,
    cost: 1,
    counter: randomInt(work, 2 * work),
    deriveKey,
    // The expiry is ours (the site's clock), signed with the rest of the parameters.
    data: { expires: now.getTime() + PROOF_TTL_MS },
    ...secretsOf(tokenSecret),
  });
}

export type ProofCheck = 'verified' | 'missing' | 'invalid' | 'expired' | 'spent';

const parse = (raw: string): { challenge: Challenge; solution: Solution } | null => {
  try {
    const p = JSON.parse(Buffer.from(raw, 'base64').toString('utf8')) as unknown;
    if (typeof p !== 'object' || p === null) return null;
    const { challenge, solution } = p as Record<string, unknown>;
    if (typeof challenge !== 'object' || challenge === null) return null;
    if (typeof solution !== 'object' || solution === null) return null;
    return { challenge: challenge as Challenge, solution: solution as Solution };
  } catch {
    return null;
  }
};

/**
 * Check a posted proof: signed by us, of our algorithm, not expired by the site's clock,
 * solved, and not used before (spent here, once across every server).
 */
export async function checkProof(
  tokenSecret: string,
  raw: string,
  now: Date,
  limits: Pick<LimitsRepo, 'spendOnce'>,
): Promise<ProofCheck> {
  if (raw === '') return 'missing';
  if (raw.length > 4096) return 'invalid';
  const payload = parse(raw);
  if (!payload) return 'invalid';
  const { challenge, solution } = payload;
  if (challenge.parameters?.algorithm !== ALGORITHM) return 'invalid';
  const result = await verifySolution({
    challenge,
    solution,
    deriveKey,
    ...secretsOf(tokenSecret),
  }).catch(() => null);
  if (!result?.verified) return 'invalid';
  // Signed, so these are ours: a number we wrote.
  const expires = Number(challenge.parameters.data?.['expires']);
  if (!Number.isFinite(expires) || expires <= now.getTime()) return 'expired';
  const spent = await limits.spendOnce(`proof:${challenge.parameters.nonce}`, new Date(expires));
  return spent ? 'verified' : 'spent';
}
