// Community votes on PostgreSQL: one per subscriber per pair, the latest choice counts.
import type { VoteCounts } from '../../content/index.ts';
import type { VotesRepo } from '../face.ts';
import { changes, type Queryable, rows } from './queryable.ts';

type CountRow = { pair_id: string; tool_id: string; n: number };

export function createPgVotes(q: Queryable): VotesRepo {
  return {
    async cast(v) {
      await changes(
        q,
        `INSERT INTO votes (subscriber_id, pair_id, tool_id, week, voted_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (subscriber_id, pair_id) DO UPDATE SET
           tool_id = excluded.tool_id, week = excluded.week, voted_at = excluded.voted_at`,
        [v.subscriberId, v.pairId, v.toolId, v.week, v.now.toISOString()],
      );
    },

    async countsByPair(pairIds) {
      const counted =
        pairIds === undefined
          ? await rows<CountRow>(
              q,
              `SELECT pair_id, tool_id, COUNT(*) AS n FROM votes
               GROUP BY pair_id, tool_id ORDER BY pair_id, tool_id`,
            )
          : await rows<CountRow>(
              q,
              `SELECT pair_id, tool_id, COUNT(*) AS n FROM votes WHERE pair_id = ANY($1::text[])
               GROUP BY pair_id, tool_id ORDER BY pair_id, tool_id`,
              [[...pairIds]],
            );
      const out = new Map<string, VoteCounts>();
      for (const r of counted) {
        const counts: Record<string, number> = out.get(r.pair_id) ?? {};
        counts[r.tool_id] = r.n;
        out.set(r.pair_id, counts);
      }
      return out;
    },
  };
}
