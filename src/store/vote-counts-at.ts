// Stored community votes for commands that do not otherwise open the store (build, preview):
// no database file means nobody has voted, and none is created just to say so.
import { existsSync } from 'node:fs';
import type { VoteCounts } from '../content/score.ts';
import { openDatabase } from './db.ts';
import { createVotes } from './votes.ts';

export function voteCountsAt(databasePath: string): Map<string, VoteCounts> {
  if (!existsSync(databasePath)) return new Map();
  const db = openDatabase(databasePath);
  try {
    return createVotes(db).countsByPair();
  } finally {
    db.close();
  }
}
