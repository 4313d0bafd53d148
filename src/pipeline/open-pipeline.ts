// The one composition root (Ghost's email-service-wrapper): open the store once, create the
// transport once, map the settings once, and close everything in one place. CLI commands, the
// scheduler and both servers take what this opened; the jobs take a Pipeline, never Config.
import type { Config } from '../config.ts';
import type { VoteCounts } from '../content/index.ts';
import type { SendMetrics } from '../metrics.ts';
import { createTransport, type Transport, type TransportChoice } from '../send/index.ts';
import { type OpenDatabase, openStore, type Store, type StoreTarget } from '../store/index.ts';
import { type JobSettings, jobSettings } from './settings.ts';

export type Pipeline = {
  settings: JobSettings;
  /** The store, opened on first use (creating the database or its schema) and kept open. */
  store: () => Promise<Store>;
  /**
   * The store if the database exists, else null: commands that only read (build, lint,
   * preview, stats, list, export) learn "nothing sent, nobody voted" without creating one.
   */
  existingStore: () => Promise<Store | null>;
  /** The transport, created on first use and kept. */
  transport: () => Transport;
  /** Stored community votes (none without a database). */
  votes: () => Promise<ReadonlyMap<string, VoteCounts>>;
  isFrozen: (week: string) => Promise<boolean>;
  now: () => Date;
  /** What the weekly send reports to the process's metrics (schedule with METRICS_PORT). */
  sendMetrics?: SendMetrics;
  close: () => Promise<void>;
};

export type PipelineOptions = {
  transport?: TransportChoice | Transport;
  now?: () => Date;
  /** How the database is opened (tests count the opens). */
  openDatabase?: OpenDatabase;
  sendMetrics?: SendMetrics;
};

export function openPipeline(config: Config, opts: PipelineOptions = {}): Pipeline {
  const now = opts.now ?? (() => new Date());
  // One open at a time, kept: concurrent callers share the promise.
  let store: Promise<Store | null> | null = null;
  let transport: Transport | null = typeof opts.transport === 'object' ? opts.transport : null;
  const target: StoreTarget = {
    url: config.DATABASE_URL,
    path: config.DATABASE_PATH,
    secret: config.TOKEN_SECRET,
  };
  const openWith = (readOnly: boolean) =>
    openStore(target, {
      readOnly,
      ...(opts.openDatabase ? { openDatabase: opts.openDatabase } : {}),
    });
  const open = async (): Promise<Store> => {
    const found = store && (await store.catch(() => null));
    if (found) return found;
    store = openWith(false);
    return (await store) as Store;
  };
  const existing = async (): Promise<Store | null> => {
    const found = store && (await store.catch(() => null));
    if (found) return found;
    store = openWith(true);
    return store;
  };
  return {
    settings: jobSettings(config),
    store: open,
    existingStore: existing,
    transport: () => {
      transport ??= createTransport(config, {
        use: typeof opts.transport === 'string' ? opts.transport : 'auto',
        timeoutMs: config.SEND_REQUEST_TIMEOUT_SECONDS * 1000,
        ...(opts.now ? { now: opts.now } : {}),
      });
      return transport;
    },
    votes: async () => (await (await existing())?.votes.countsByPair()) ?? new Map(),
    isFrozen: async (week) => (await (await existing())?.ledger.isFrozen(week)) ?? false,
    now,
    ...(opts.sendMetrics ? { sendMetrics: opts.sendMetrics } : {}),
    close: async () => {
      const open = store;
      store = null;
      await (await open?.catch(() => null))?.close();
    },
  };
}

/** Open, run, close: for one-shot commands and tests. */
export async function withPipeline<T>(
  config: Config,
  run: (p: Pipeline) => Promise<T>,
  opts: PipelineOptions = {},
): Promise<T> {
  const p = openPipeline(config, opts);
  try {
    return await run(p);
  } finally {
    await p.close();
  }
}
