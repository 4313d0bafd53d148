import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/index.ts';
import { maskPath } from '../../src/web/public/access-log.ts';
import { sourceOf } from '../../src/web/public/client-ip.ts';
import { createRateLimiter } from '../../src/web/public/rate-limit.ts';
import { tempDir } from '../support/paths.ts';

const t = (ms: number) => new Date(Date.UTC(2026, 10, 30) + ms);
const opened: Store[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
});
const open = async (file: string) => {
  const s = await openStore({ path: file, secret: 'rate-limit-test-secret-0123' });
  opened.push(s);
  return s;
};

describe('rate limiter', () => {
  it('allows `limit` hits per window per key and resets after the window', async () => {
    const store = await open(path.join(tempDir('verdicts-rl-'), 'v.db'));
    const rl = createRateLimiter(store.limits, 'subscribe', 2, 1000);
    const hits = [];
    for (const ms of [0, 10, 20]) hits.push(await rl.hit('a', t(ms)));
    expect(hits).toEqual([true, true, false]);
    expect(await rl.hit('b', t(30))).toBe(true);
    expect(await rl.hit('a', t(1000))).toBe(true);
  });

  it('is counted in the database: two servers on one database give a client the limit once', async () => {
    const file = path.join(tempDir('verdicts-rl-'), 'v.db');
    const one = createRateLimiter((await open(file)).limits, 'subscribe', 5, 60_000);
    const two = createRateLimiter((await open(file)).limits, 'subscribe', 5, 60_000);
    const allowed: boolean[] = [];
    for (let i = 0; i < 10; i++) allowed.push(await (i % 2 ? two : one).hit('ip1', t(i)));
    expect(allowed.filter(Boolean)).toHaveLength(5);
    // Another limit's key never counts into this one.
    const other = createRateLimiter((await open(file)).limits, 'resubscribe', 5, 60_000);
    expect(await other.hit('ip1', t(11))).toBe(true);
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

describe('the source a per-client limit counts', () => {
  it('is an IPv4 address as is, an IPv6 address by its /64, a mapped address as IPv4', () => {
    expect(sourceOf('203.0.113.7')).toBe('203.0.113.7');
    expect(sourceOf('::ffff:203.0.113.7')).toBe('203.0.113.7');
    // Every address of one /64 is one source, however written.
    const one = sourceOf('2001:db8:0:1::1');
    expect(one).toBe('2001:db8:0:1::/64');
    expect(sourceOf('2001:0DB8:0000:0001:ffff:ffff:ffff:ffff')).toBe(one);
    expect(sourceOf('2001:db8::1:0:0:0:2')).toBe(one);
    expect(sourceOf('2001:db8:0:2::1')).not.toBe(one);
    expect(sourceOf('::1')).toBe('0:0:0:0::/64');
  });
});
