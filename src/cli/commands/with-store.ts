// Open the store for one command through the composition root and close it whatever
// happens; the HMAC secret comes along because suppression hashes are keyed with it.
import { openPipeline } from '../../pipeline/index.ts';
import type { Db } from '../../store/index.ts';
import { type CliIo, type PathFlags, resolveConfig } from '../context.ts';

export const withStore = async <T>(
  io: CliIo,
  flags: PathFlags,
  fn: (db: Db, secret: string) => T | Promise<T>,
): Promise<T> => {
  const config = resolveConfig(io, flags);
  const pipeline = openPipeline(config);
  try {
    return await fn(pipeline.store().db, config.TOKEN_SECRET);
  } finally {
    pipeline.close();
  }
};
