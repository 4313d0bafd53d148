// Tokens have one encoding each: the expiry as signToken writes it and a signature with no
// spare bits set. `0`, `00` and `0-` all used to verify as "never expires". Signing (the fast
// byte-level idTokens included) is unchanged.
import { describe, expect, it } from 'vitest';
import { idTokens, signToken, verifyToken } from '../src/tokens.ts';

const SECRET = 'token-test-secret-0123456789abcdef';
const NOW = new Date('2026-09-01T00:00:00Z');

describe('verifyToken accepts only the canonical encoding', () => {
  it('a token as signed verifies', () => {
    const t = signToken(SECRET, { purpose: 'unsubscribe', subject: '42', expiresAt: 0 });
    expect(t).toMatch(/^42\.0\.[\w-]{22}$/);
    expect(verifyToken(SECRET, 'unsubscribe', t, NOW)).toEqual({
      ok: true,
      value: { purpose: 'unsubscribe', subject: '42', expiresAt: 0 },
    });
  });

  it('other encodings of the same expiry are malformed', () => {
    const t = signToken(SECRET, { purpose: 'unsubscribe', subject: '42', expiresAt: 0 });
    const [subject, , sig] = t.split('.');
    for (const exp of ['00', '0-', '0x', '000', '-0', '+0', ' 0', '0 ']) {
      expect(verifyToken(SECRET, 'unsubscribe', `${subject}.${exp}.${sig}`, NOW), exp).toEqual({
        ok: false,
        error: 'malformed',
      });
    }
    const later = Math.floor(NOW.getTime() / 1000) + 3600;
    const timed = signToken(SECRET, { purpose: 'confirm', subject: '7', expiresAt: later });
    const [s2, e2, g2] = timed.split('.');
    expect(verifyToken(SECRET, 'confirm', timed, NOW).ok).toBe(true);
    for (const exp of [`0${e2}`, e2!.toUpperCase(), `${e2}.`.slice(0, -1) + '-']) {
      expect(verifyToken(SECRET, 'confirm', `${s2}.${exp}.${g2}`, NOW).ok, exp).toBe(false);
    }
  });

  it('a signature with its spare low bits set is malformed', () => {
    const t = signToken(SECRET, { purpose: 'vote', subject: '9:2026-W36', expiresAt: 0 });
    const sig = t.slice(-22);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(sig[21]!);
    const twins = [1, 2, 3, 15].map((bits) => `${t.slice(0, -1)}${alphabet[last | bits]}`);
    for (const twin of twins.filter((x) => x !== t)) {
      expect(Buffer.from(twin.slice(-22), 'base64url')).toEqual(Buffer.from(sig, 'base64url'));
      expect(verifyToken(SECRET, 'vote', twin, NOW)).toEqual({ ok: false, error: 'malformed' });
    }
  });

  it('idTokens still signs exactly what signToken does, and it verifies', () => {
    const unsub = idTokens(SECRET, 'unsubscribe', '');
    const vote = idTokens(SECRET, 'vote', ':2026-W36', { before: 'https://x/v/', after: '?a=1' });
    for (const id of [0, 1, 9, 10, 12345, 2 ** 40]) {
      const u = unsub(id);
      expect(u).toBe(signToken(SECRET, { purpose: 'unsubscribe', subject: `${id}`, expiresAt: 0 }));
      expect(verifyToken(SECRET, 'unsubscribe', u, NOW).ok).toBe(true);
      const v = vote(id);
      const signed = signToken(SECRET, {
        purpose: 'vote',
        subject: `${id}:2026-W36`,
        expiresAt: 0,
      });
      expect(v).toBe(`https://x/v/${signed}?a=1`);
    }
  });
});
