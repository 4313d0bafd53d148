// The PostgreSQL store's guard: a connection-level failure met by any operation (a promise, an
// iteration, a unit of work) becomes one resumable VerdictsError that names the server without
// its password; every other error passes through as it was.
import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/index.ts';
import { asUnavailable } from '../../src/store/pg/pg-errors.ts';
import { guardStore } from '../../src/store/pg/pg-guard.ts';

const URL_WITH_PASSWORD = 'postgres://app:hunter2@db.example:5432/verdicts';
const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:5432'), {
  code: 'ECONNREFUSED',
});
const shutdown = Object.assign(new Error('terminating connection due to administrator command'), {
  code: '57P01',
});
const constraint = Object.assign(new Error('duplicate key value'), { code: '23505' });

function fakeStore(fail: unknown): Store {
  const repo = {
    get: async () => {
      throw fail;
    },
    hash: (email: string) => `h:${email}`,
    list: () => ({
      async *[Symbol.asyncIterator]() {
        yield 1;
        throw fail;
      },
    }),
  };
  return {
    kind: 'postgres',
    ledger: repo,
    suppressions: repo,
    atomically: async () => {
      throw fail;
    },
    close: async () => undefined,
  } as unknown as Store;
}

const reasonOf = async (p: Promise<unknown>) => {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  return e as { code?: string; message?: string } | undefined;
};

describe('the PostgreSQL store guard', () => {
  it('turns connection-level failures into db_unavailable, one line without the password', async () => {
    for (const fail of [refused, shutdown]) {
      const store = guardStore(fakeStore(fail), asUnavailable(URL_WITH_PASSWORD));
      for (const e of [
        await reasonOf(store.ledger.get('2026-W48')),
        await reasonOf(store.atomically('x', async () => 1)),
      ]) {
        expect(e?.code).toBe('db_unavailable');
        expect(e?.message).toContain('postgres://app:***@db.example:5432/verdicts');
        expect(e?.message).not.toContain('hunter2');
        expect(e?.message).not.toContain('\n');
      }
    }
  });

  it('maps a failure midway through an iteration, after the rows already given', async () => {
    const store = guardStore(fakeStore(shutdown), asUnavailable(URL_WITH_PASSWORD));
    const seen: unknown[] = [];
    const e = await reasonOf(
      (async () => {
        for await (const x of store.suppressions.list('suppressed')) seen.push(x);
      })(),
    );
    expect(seen).toEqual([1]);
    expect(e?.code).toBe('db_unavailable');
  });

  it('passes every other error through, and synchronous answers as they are', async () => {
    const store = guardStore(fakeStore(constraint), asUnavailable(URL_WITH_PASSWORD));
    expect(await reasonOf(store.ledger.get('2026-W48'))).toBe(constraint);
    expect(store.suppressions.hash('a@example.com')).toBe('h:a@example.com');
    expect(store.kind).toBe('postgres');
  });
});
