// Open the store for one command through the composition root and close it whatever
// happens. A command that only reads opens no database that is not there: it says so instead.
import { VerdictsError } from '../../errors.ts';
import { openPipeline } from '../../pipeline/index.ts';
import { describeTarget, type Store } from '../../store/index.ts';
import { type CliIo, type PathFlags, resolveConfig } from '../context.ts';

export const withStore = async <T>(
  io: CliIo,
  flags: PathFlags,
  fn: (store: Store) => T | Promise<T>,
  opts: { readOnly?: boolean } = {},
): Promise<T> => {
  const config = resolveConfig(io, flags);
  const pipeline = openPipeline(config);
  try {
    const store = opts.readOnly ? await pipeline.existingStore() : await pipeline.store();
    if (!store) {
      const where = describeTarget({ url: config.DATABASE_URL, path: config.DATABASE_PATH });
      throw new VerdictsError(
        'cli',
        'no_database',
        `no database at ${where}: nothing to read (check --db or DATABASE_PATH; a read-only command creates none)`,
      );
    }
    return await fn(store);
  } finally {
    await pipeline.close();
  }
};
