// A real SQLite file in a fresh temp dir per test, closed afterwards.
import path from 'node:path';
import { afterEach } from 'vitest';
import { type Db, openDatabase } from '../../src/store/db.ts';
import { tempDir } from '../support/paths.ts';

export const useDb = () => {
  const open: Db[] = [];
  afterEach(() => {
    for (const db of open.splice(0)) db.close();
  });
  return (file = path.join(tempDir('verdicts-store-'), 'verdicts.db')): Db => {
    const db = openDatabase(file);
    open.push(db);
    return db;
  };
};

/** Dates for tests: `at(0)` is a fixed instant, `at(90)` ninety seconds later. */
export const at = (seconds: number) => new Date(Date.UTC(2026, 7, 31, 8, 0, 0) + seconds * 1000);
