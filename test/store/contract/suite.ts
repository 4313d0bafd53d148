// The store contract: what every adapter of the face (src/store/face.ts) must do, declared once
// and run against each (store-contract.sqlite.test.ts, store-contract.pg.test.ts), like
// unstorage's driver tests. Each part lives in its own file here; each test opens its own
// fresh store through `open`.
import { describe } from 'vitest';
import { archiveLimitsContract } from './archive-limits.ts';
import { concurrencyContract } from './concurrency.ts';
import { exportImportContract } from './export-import.ts';
import type { OpenStore } from './fixture.ts';
import { importChunksContract } from './import-chunks.ts';
import { leasesContract } from './leases.ts';
import { ledgerContract } from './ledger.ts';
import { mailQueueContract } from './mail-queue.ts';
import { providerBudgetContract } from './provider-budget.ts';
import { statsContract } from './stats.ts';
import { subscribersContract } from './subscribers.ts';
import { suppressionsContract } from './suppressions.ts';
import { unitsContract } from './units.ts';
import { votesEventsContract } from './votes-events.ts';

export type { Opened, OpenStore } from './fixture.ts';

export function storeContract(name: string, open: OpenStore): void {
  describe(`store contract: ${name}`, () => {
    subscribersContract(name, open);
    suppressionsContract(name, open);
    ledgerContract(name, open);
    leasesContract(name, open);
    mailQueueContract(name, open);
    votesEventsContract(name, open);
    statsContract(name, open);
    unitsContract(name, open);
    exportImportContract(name, open);
    importChunksContract(name, open);
    concurrencyContract(name, open);
    archiveLimitsContract(name, open);
    providerBudgetContract(name, open);
  });
}
