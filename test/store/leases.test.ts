import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createLeases, isProcessAlive, newLeaseOwner } from '../../src/store/leases.ts';
import { at, useDb } from './db-fixture.ts';

const openDb = useDb();
const ttlMs = 60_000;

/** The pid of a process that has exited (not reaped pids are gone once 'exit' fires). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await once(child, 'exit');
  const pid = child.pid!;
  expect(isProcessAlive(pid)).toBe(false);
  return pid;
}

describe('leases', () => {
  it('owner strings carry host and pid', () => {
    expect(newLeaseOwner()).toMatch(new RegExp(`:${process.pid}:[0-9a-f]{8}$`));
    expect(newLeaseOwner()).not.toBe(newLeaseOwner());
  });

  it('a second owner is refused while the lease is live, and told who holds it', () => {
    const leases = createLeases(openDb());
    const first = leases.acquire('send:2026-W35', { owner: 'A', ttlMs, now: at(0) });
    expect(first).toMatchObject({ ok: true, value: { name: 'send:2026-W35', owner: 'A' } });
    const second = leases.acquire('send:2026-W35', { owner: 'B', ttlMs, now: at(30) });
    expect(second).toEqual({
      ok: false,
      error: {
        heldBy: {
          owner: 'A',
          host: expect.any(String),
          pid: process.pid,
          expiresAt: new Date(at(0).getTime() + ttlMs),
        },
      },
    });
    // Other names are independent.
    expect(leases.acquire('scheduler', { owner: 'B', ttlMs, now: at(30) }).ok).toBe(true);
  });

  it('two connections (as two processes would) contend for one lease', () => {
    const db = openDb();
    const other = openDb(db.name);
    const a = createLeases(db).acquire('x', { owner: 'A', ttlMs, now: at(0) });
    const b = createLeases(other).acquire('x', { owner: 'B', ttlMs, now: at(0) });
    expect([a.ok, b.ok]).toEqual([true, false]);
  });

  it('the same owner re-acquires and renews; an expired lease is taken over', () => {
    const leases = createLeases(openDb());
    expect(leases.acquire('x', { owner: 'A', ttlMs, now: at(0) }).ok).toBe(true);
    expect(leases.acquire('x', { owner: 'A', ttlMs, now: at(10) }).ok).toBe(true);
    expect(leases.renew('x', 'A', { ttlMs, now: at(50) })).toEqual({
      ok: true,
      value: { expiresAt: new Date(at(50).getTime() + ttlMs) },
    });
    expect(leases.acquire('x', { owner: 'B', ttlMs, now: at(109) }).ok).toBe(false);
    const taken = leases.acquire('x', { owner: 'B', ttlMs, now: at(110) });
    expect(taken).toMatchObject({ ok: true, value: { owner: 'B' } });
    // A's renewal now fails: it must stop.
    expect(leases.renew('x', 'A', { ttlMs, now: at(111) })).toEqual({ ok: false, error: 'lost' });
  });

  it('release frees the lease, but only for its owner', () => {
    const leases = createLeases(openDb());
    leases.acquire('x', { owner: 'A', ttlMs, now: at(0) });
    expect(leases.release('x', 'B')).toBe(false);
    expect(leases.holder('x')?.owner).toBe('A');
    expect(leases.release('x', 'A')).toBe(true);
    expect(leases.holder('x')).toBeUndefined();
    expect(leases.acquire('x', { owner: 'B', ttlMs, now: at(1) }).ok).toBe(true);
  });

  it('a holder on this host whose process is gone counts as expired', async () => {
    const leases = createLeases(openDb());
    const pid = await deadPid();
    expect(leases.acquire('x', { owner: `h:${pid}:dead`, pid, ttlMs, now: at(0) }).ok).toBe(true);
    const taken = leases.acquire('x', { owner: 'B', ttlMs, now: at(1) });
    expect(taken).toMatchObject({ ok: true, value: { owner: 'B', pid: process.pid } });
  });

  it('a dead pid on another host is not trusted: that lease waits for its TTL', async () => {
    const leases = createLeases(openDb());
    const pid = await deadPid();
    leases.acquire('x', { owner: 'remote', host: 'elsewhere', pid, ttlMs, now: at(0) });
    expect(leases.acquire('x', { owner: 'B', ttlMs, now: at(1) }).ok).toBe(false);
    expect(leases.acquire('x', { owner: 'B', ttlMs, now: at(60) }).ok).toBe(true);
  });
});
