// Every operation of the PostgreSQL store with its connection-level failures (the server
// stopped, restarted or dropped the connection mid-command) turned into one resumable
// VerdictsError ('db_unavailable'), so no caller outside this folder needs to know the
// driver's errors. Other errors (a constraint, a bug) pass through unchanged.
import type { Store } from '../face.ts';

type MapError = (e: unknown) => unknown;

const isAsyncIterable = (v: unknown): v is AsyncIterable<unknown> =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function';

async function* guardedIteration<T>(source: AsyncIterable<T>, map: MapError): AsyncGenerator<T> {
  try {
    yield* source;
  } catch (e) {
    throw map(e);
  }
}

function guardFunction(fn: (...args: unknown[]) => unknown, map: MapError) {
  return (...args: unknown[]): unknown => {
    let out: unknown;
    try {
      out = fn(...args);
    } catch (e) {
      throw map(e);
    }
    if (out instanceof Promise) {
      return out.catch((e: unknown) => {
        throw map(e);
      });
    }
    if (isAsyncIterable(out)) {
      const source = out;
      return { [Symbol.asyncIterator]: () => guardedIteration(source, map) };
    }
    return out;
  };
}

/**
 * A copy of `obj` whose methods map their errors through `map`, and whose object-valued
 * properties (the repositories: every one, including any added later) are guarded alike.
 */
function guarded<T extends object>(obj: T, map: MapError, depth = 0): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) {
    if (typeof value === 'function') {
      out[key] = guardFunction((value as (...args: unknown[]) => unknown).bind(obj), map);
    } else if (depth === 0 && typeof value === 'object' && value !== null) {
      out[key] = guarded(value, map, depth + 1);
    } else {
      out[key] = value;
    }
  }
  return out as T;
}

export function guardStore(store: Store, map: MapError): Store {
  return guarded(store, map);
}
