// The store contract (test/store/contract/) against the PostgreSQL adapter: a fresh database
// on the run's server (test/support/global-setup.ts) per store, opened through openStore with
// a URL, as DATABASE_URL makes the program do.
import { openStore, type Store } from '../../src/store/index.ts';
import { freshPgDatabase } from '../support/postgres.ts';
import { CONTRACT_SECRET as SECRET } from './contract/fixture.ts';
import { storeContract } from './contract/suite.ts';

storeContract('postgres', async () => {
  const db = await freshPgDatabase('contract');
  const open = () => openStore({ url: db.url, path: 'unused', secret: SECRET });
  const stores: Store[] = [];
  const track = async (p: Promise<Store>) => {
    const s = await p;
    stores.push(s);
    return s;
  };
  let main: Store;
  try {
    main = await track(open());
  } catch (e) {
    await db.drop();
    throw e;
  }
  return {
    store: main,
    second: () => track(open()),
    async reopen() {
      await main.close();
      main = await track(open());
      return main;
    },
    async cleanup() {
      for (const s of stores.splice(0)) await s.close().catch(() => undefined);
      await db.drop();
    },
  };
});
