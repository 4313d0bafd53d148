// Open the store for one command and close it whatever happens; the HMAC secret comes along
// because suppression hashes are keyed with it.
import { type Db, openDatabase } from '../../store/db.ts';
import { type CliIo, type PathFlags, resolveConfig } from '../context.ts';

export const withStore = async <T>(
  io: CliIo,
  flags: PathFlags,
  fn: (db: Db, secret: string) => T | Promise<T>,
): Promise<T> => {
  const config = resolveConfig(io, flags);
  const db = openDatabase(config.DATABASE_PATH);
  try {
    return await fn(db, config.TOKEN_SECRET);
  } finally {
    db.close();
  }
};
