// The FreezeCheck for commands that do not otherwise use the store (`verdicts build`): a week
// is frozen once its send started (the ledger row exists). No database file means nothing was
// ever sent, so none is created just to answer "no".
import { existsSync } from 'node:fs';
import type { FreezeCheck } from '../archive/write-issue.ts';
import { openDatabase } from './db.ts';
import { createLedger } from './ledger.ts';

export const freezeCheckAt =
  (databasePath: string): FreezeCheck =>
  async (week) => {
    if (!existsSync(databasePath)) return false;
    const db = openDatabase(databasePath);
    try {
      return createLedger(db).isFrozen(week);
    } finally {
      db.close();
    }
  };
