// Who is listening for "something changed": the file watcher publishes, every open preview
// tab (an SSE stream) subscribes. A version number lets a tab that reconnects after missing
// an event see that it is behind and re-fetch.
export type ChangeEvent = { version: number; files: string[] };
type Listener = (event: ChangeEvent | null) => void;

export type ReloadHub = {
  readonly version: () => number;
  /** Bump the version and tell every subscriber which files changed. */
  publish: (files: string[]) => ChangeEvent;
  /** `listener(null)` means the hub closed: end the stream. Returns the unsubscribe. */
  subscribe: (listener: Listener) => () => void;
  /** Run after the version bumps, before subscribers hear of it (caches clear here). */
  onChange: (hook: (event: ChangeEvent) => void) => void;
  close: () => void;
  readonly size: () => number;
};

export function createReloadHub(): ReloadHub {
  let version = 0;
  let closed = false;
  const listeners = new Set<Listener>();
  const hooks: ((event: ChangeEvent) => void)[] = [];
  return {
    version: () => version,
    publish(files) {
      version += 1;
      const event = { version, files };
      for (const hook of hooks) hook(event);
      for (const listener of [...listeners]) listener(event);
      return event;
    },
    subscribe(listener) {
      if (closed) {
        listener(null);
        return () => {};
      }
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onChange(hook) {
      hooks.push(hook);
    },
    close() {
      closed = true;
      for (const listener of [...listeners]) listener(null);
      listeners.clear();
    },
    size: () => listeners.size,
  };
}
