// The one assertion every fault test ends with: each of `count` readers got exactly one copy.
import { expect } from 'vitest';
import { reader } from '../send/send-fixture.ts';
import type { ResendStandIn } from '../support/resend-stand-in/server.ts';

export function expectExactlyOnce(
  standIn: ResendStandIn,
  count: number,
  opts: { except?: readonly number[] } = {},
): void {
  const copies = standIn.countByRecipient();
  const except = new Set(opts.except ?? []);
  const wrong: string[] = [];
  for (let i = 1; i <= count; i++) {
    const n = copies.get(reader(i)) ?? 0;
    if (n !== (except.has(i) ? 0 : 1)) wrong.push(`${reader(i)}: ${n}`);
  }
  expect(wrong.slice(0, 10), `${wrong.length} readers with the wrong number of copies`).toEqual([]);
  expect(copies.size).toBe(count - except.size);
  expect(standIn.stats().duplicates).toBe(0);
}

/** A promise that resolves once the stand-in has seen `n` requests (polling; the stand-in is in-process). */
export async function requestsReached(standIn: ResendStandIn, n: number, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  while (standIn.stats().requests < n) {
    if (Date.now() > until)
      throw new Error(`stand-in saw ${standIn.stats().requests} < ${n} requests`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
