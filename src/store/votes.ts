// Community votes: one per subscriber per pair, changeable (the latest choice counts).
import type { VoteCounts } from '../content/index.ts';
import type { Db } from './db.ts';

export type Vote = {
  subscriberId: number;
  pairId: string;
  toolId: string;
  week: string;
  now: Date;
};

export function createVotes(db: Db) {
  const upsert = db.prepare<[number, string, string, string, string]>(
    `INSERT INTO votes (subscriber_id, pair_id, tool_id, week, voted_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT(subscriber_id, pair_id) DO UPDATE SET
       tool_id = excluded.tool_id, week = excluded.week, voted_at = excluded.voted_at`,
  );
  const countAll = db.prepare<[], CountRow>(
    'SELECT pair_id, tool_id, COUNT(*) AS n FROM votes GROUP BY pair_id, tool_id',
  );
  // One JSON array parameter instead of a statement per list length.
  const countSome = db.prepare<[string], CountRow>(
    `SELECT pair_id, tool_id, COUNT(*) AS n FROM votes
     WHERE pair_id IN (SELECT value FROM json_each(?)) GROUP BY pair_id, tool_id`,
  );

  return {
    /** Record or change a subscriber's vote on a pair. Which tools are valid is the caller's check. */
    cast(v: Vote): void {
      upsert.run(v.subscriberId, v.pairId, v.toolId, v.week, v.now.toISOString());
    },

    /** Votes per tool for each pair (all pairs, or those listed); pairs with none are absent. */
    countsByPair(pairIds?: readonly string[]): Map<string, VoteCounts> {
      const rows = pairIds === undefined ? countAll.all() : countSome.all(JSON.stringify(pairIds));
      const out = new Map<string, Record<string, number>>();
      for (const r of rows) {
        const counts = out.get(r.pair_id) ?? {};
        counts[r.tool_id] = r.n;
        out.set(r.pair_id, counts);
      }
      return out;
    },
  };
}

type CountRow = { pair_id: string; tool_id: string; n: number };

export type Votes = ReturnType<typeof createVotes>;
