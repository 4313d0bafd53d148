// The sender's own HMAC-SHA256 must give node:crypto's digest for every key and message length
// (keys longer than a block are hashed first; messages cross the 55/56- and 64-byte padding
// edges), and the tokens it signs must pass verifyToken, which checks them with node:crypto.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmacSha256, hmacSha256Bytes } from '../src/hmac-sha256.ts';
import { idTokens, signToken, verifyToken } from '../src/tokens.ts';

/** Deterministic bytes, so a failure names the same case on every run. */
function bytes(n: number, seed: number): Buffer {
  const out = Buffer.alloc(n);
  let x = seed * 2654435761 + 1;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

describe('hmacSha256', () => {
  it('equals node:crypto for keys and messages of every padding length', () => {
    const keyLengths = [0, 1, 16, 28, 32, 63, 64, 65, 100, 200];
    for (const [k, keyLength] of keyLengths.entries()) {
      const key = bytes(keyLength, k);
      const sign = hmacSha256(key);
      for (let length = 0; length <= 200; length++) {
        const message = bytes(length, length + 1000).toString('latin1');
        const expected = createHmac('sha256', key).update(message, 'utf8').digest();
        expect(sign(message).equals(expected), `key ${keyLength} B, message ${length}`).toBe(true);
      }
    }
  });

  it('hashes a message as its UTF-8 bytes, like node:crypto given a string', () => {
    const sign = hmacSha256('secret é');
    for (const message of ['', 'é', 'Zoë ☕🚀', 'x'.repeat(300), '\u2028\ud83d\ude00'.repeat(40)]) {
      const expected = createHmac('sha256', 'secret é').update(message).digest();
      expect(sign(message).equals(expected), message).toBe(true);
    }
  });

  it('over bytes: the digest of exactly the first `length` bytes, written in place', () => {
    const sign = hmacSha256Bytes('k');
    const message = bytes(120, 7);
    const out = new Uint8Array(32);
    for (const length of [0, 1, 55, 56, 64, 119]) {
      sign(message, length, out);
      const expected = createHmac('sha256', 'k').update(message.subarray(0, length)).digest();
      expect(Buffer.from(out).equals(expected), `${length} bytes`).toBe(true);
    }
  });

  it('each call returns its own digest', () => {
    const sign = hmacSha256('k');
    const a = sign('one');
    const b = sign('two');
    expect(a.equals(createHmac('sha256', 'k').update('one').digest())).toBe(true);
    expect(a.equals(b)).toBe(false);
  });
});

describe('signToken', () => {
  it('signs what verifyToken (node:crypto) accepts, for any secret, in any order', () => {
    const secrets = ['test-secret-0123456789abcdef', 'another-secret', 'x'.repeat(100)];
    for (let i = 0; i < 300; i++) {
      const secret = secrets[i % secrets.length]!;
      const subject = i % 2 ? String(i) : `${i}:2026-W48`;
      const token = signToken(secret, { purpose: 'vote', subject, expiresAt: 0 });
      expect(verifyToken(secret, 'vote', token, new Date()).ok, token).toBe(true);
      const other = secrets[(i + 1) % secrets.length]!;
      expect(verifyToken(other, 'vote', token, new Date())).toEqual({
        ok: false,
        error: 'bad_signature',
      });
    }
  });
});

describe('idTokens', () => {
  it('signs what signToken signs for `<id><suffix>`, for ids of every length, 0 included', () => {
    const secret = 'test-secret-0123456789abcdef';
    const unsub = idTokens(secret, 'unsubscribe', '');
    const vote = idTokens(secret, 'vote', ':2026-W48');
    const ids = [0, 1, 9, 10, 99, 100, 12345, 999_999, 2 ** 31, Number.MAX_SAFE_INTEGER];
    for (let i = 0; i < 200; i++) ids.push(Math.floor(i * 7919.37) + i);
    for (const id of ids) {
      const subject = String(id);
      expect(unsub(id)).toBe(signToken(secret, { purpose: 'unsubscribe', subject, expiresAt: 0 }));
      expect(vote(id)).toBe(
        signToken(secret, { purpose: 'vote', subject: `${id}:2026-W48`, expiresAt: 0 }),
      );
      expect(verifyToken(secret, 'vote', vote(id), new Date()).ok).toBe(true);
    }
  });

  it('puts the token inside fixed text, ASCII or not', () => {
    const secret = 's';
    const token = signToken(secret, { purpose: 'unsubscribe', subject: '42', expiresAt: 0 });
    const plain = idTokens(secret, 'unsubscribe', '', { before: '<https://x/u/', after: '?i=1>' });
    expect(plain(42)).toBe(`<https://x/u/${token}?i=1>`);
    const wide = idTokens(secret, 'unsubscribe', '', { before: 'café/', after: '/→' });
    expect(wide(42)).toBe(`café/${token}/→`);
  });

  it('refuses ids and suffixes that are not a token subject', () => {
    const sign = idTokens('s', 'vote', ':2026-W48');
    for (const id of [-1, 1.5, Number.NaN, 2 ** 53]) expect(() => sign(id)).toThrow(/bad id/);
    expect(() => idTokens('s', 'vote', ':a b')).toThrow(/bad subject suffix/);
  });
});
