// The one composition root (Ghost's email-service-wrapper): open the store once, create the
// transport once, map the settings once, and close everything in one place. CLI commands, the
// scheduler and both servers take what this opened; the jobs take a Pipeline, never Config.
import type { Config } from '../config.ts';
import type { VoteCounts } from '../content/index.ts';
import { createTransport, type Transport, type TransportChoice } from '../send/index.ts';
import { databaseExists, type OpenDatabase, openStore, type Store } from '../store/index.ts';
import { type JobSettings, jobSettings } from './settings.ts';

export type Pipeline = {
  settings: JobSettings;
  /** The store, opened on first use (creating the database file) and kept open. */
  store: () => Store;
  /**
   * The store if the database file exists, else null: commands that only read (build, lint,
   * preview) learn "nothing sent, nobody voted" without creating a database to say so.
   */
  existingStore: () => Store | null;
  /** The transport, created on first use and kept. */
  transport: () => Transport;
  /** Stored community votes (none without a database). */
  votes: () => ReadonlyMap<string, VoteCounts>;
  isFrozen: (week: string) => boolean;
  now: () => Date;
  close: () => void;
};

export type PipelineOptions = {
  transport?: TransportChoice | Transport;
  now?: () => Date;
  /** How the database is opened (tests count the opens). */
  openDatabase?: OpenDatabase;
};

export function openPipeline(config: Config, opts: PipelineOptions = {}): Pipeline {
  const now = opts.now ?? (() => new Date());
  let store: Store | null = null;
  let transport: Transport | null = typeof opts.transport === 'object' ? opts.transport : null;
  const open = (): Store => {
    store ??= openStore(config.DATABASE_PATH, opts.openDatabase);
    return store;
  };
  const existing = () => ((store ?? databaseExists(config.DATABASE_PATH)) ? open() : null);
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
    votes: () => existing()?.votes.countsByPair() ?? new Map(),
    isFrozen: (week) => existing()?.ledger.isFrozen(week) ?? false,
    now,
    close: () => {
      store?.close();
      store = null;
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
    p.close();
  }
}
