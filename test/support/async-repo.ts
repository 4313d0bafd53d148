// A synchronous SQLite repository (what a store test sets up and inspects) seen through the
// store's async face, for code under test that takes the face (the sender takes a LedgerRepo).
export function asAsync<T>(repo: object): T {
  return new Proxy(repo, {
    get(target, key) {
      const value = (target as Record<PropertyKey, unknown>)[key];
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        try {
          return Promise.resolve(value.apply(target, args));
        } catch (e) {
          return Promise.reject(e);
        }
      };
    },
  }) as T;
}
