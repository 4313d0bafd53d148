// The store contract (test/store/contract/) against the SQLite adapter: a real file in a
// fresh temp folder per store, opened through openStore like the program opens it.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { openStore, type Store } from '../../src/store/index.ts';
import { tempDir } from '../support/paths.ts';
import { CONTRACT_SECRET as SECRET } from './contract/fixture.ts';
import { storeContract } from './contract/suite.ts';

storeContract('sqlite', async () => {
  const dir = tempDir('verdicts-contract-');
  const file = path.join(dir, 'verdicts.db');
  const open = () => openStore({ path: file, secret: SECRET });
  const stores: Store[] = [];
  const track = async (p: Promise<Store>) => {
    const s = await p;
    stores.push(s);
    return s;
  };
  let main = await track(open());
  return {
    store: main,
    second: () => track(open()),
    // Another connection of this process would wait for a unit's lock with the event loop
    // blocked (busy_timeout), so units race on one store here (see Opened in the fixture).
    unitsBlockOtherConnections: true,
    async reopen() {
      await main.close();
      main = await track(open());
      return main;
    },
    async cleanup() {
      for (const s of stores.splice(0)) await s.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
