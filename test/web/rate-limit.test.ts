import { describe, expect, it } from 'vitest';
import { maskPath } from '../../src/web/public/access-log.ts';
import { createRateLimiter } from '../../src/web/public/rate-limit.ts';

const t = (ms: number) => new Date(Date.UTC(2026, 10, 30) + ms);

describe('rate limiter', () => {
  it('allows `limit` hits per window per key and resets after the window', () => {
    const rl = createRateLimiter(2, 1000);
    expect([rl.hit('a', t(0)), rl.hit('a', t(10)), rl.hit('a', t(20))]).toEqual([
      true,
      true,
      false,
    ]);
    expect(rl.hit('b', t(30))).toBe(true);
    expect(rl.hit('a', t(1000))).toBe(true);
  });

  it('forgets expired windows, so memory stays bounded under many clients', () => {
    const rl = createRateLimiter(5, 1000);
    for (let i = 0; i < 10_000; i++) rl.hit(`ip${i}`, t(0));
    expect(rl.size()).toBe(10_000);
    rl.hit('late', t(5000));
    expect(rl.size()).toBe(1);
  });
});

describe('maskPath', () => {
  it('masks tokens and keeps the rest', () => {
    expect(maskPath('/confirm/1.abc.def')).toBe('/confirm/:token');
    expect(maskPath('/unsubscribe/7.0.xyz')).toBe('/unsubscribe/:token');
    expect(maskPath('/vote/2026-W48/p/t/1:2026-W48.0.sig')).toBe('/vote/2026-W48/p/t/:token');
    expect(maskPath('/issues/2026-W48/')).toBe('/issues/2026-W48/');
  });
});
