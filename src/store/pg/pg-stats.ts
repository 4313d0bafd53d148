// The figures an issue report is made of, on PostgreSQL: the queries of issue-stats.ts, with
// the group order made explicit (SQLite returns groups in key order without being asked) so
// both stores give the same rows in the same order.
import type { IssueFigures } from '../../report/index.ts';
import type { StatsRepo } from '../face.ts';
import { type Queryable, rows } from './queryable.ts';

type Sql = (where: string) => string;

const SENDS: Sql = (w) => `SELECT s.week AS week, s.status AS status, s.finished_at AS "finishedAt",
     COUNT(r.subscriber_id) AS recipients,
     COUNT(*) FILTER (WHERE r.status = 'sent') AS submitted,
     COUNT(*) FILTER (WHERE r.status = 'refused') AS refused,
     COUNT(*) FILTER (WHERE r.status = 'sent' AND r.message_id LIKE 'outbox-%') AS "viaOutbox"
   FROM issue_sends s LEFT JOIN send_recipients r ON r.week = s.week
   WHERE s.week ${w} GROUP BY s.week ORDER BY s.week DESC`;
const EVENTS: Sql = (w) => `SELECT week, type, NULLIF(detail, '') AS detail, SUM(events) AS total,
     COUNT(*) AS readers
   FROM event_readers WHERE week ${w} GROUP BY week, type, detail ORDER BY week, type, detail`;
const CLICKERS: Sql = (
  w,
) => `SELECT week, COUNT(DISTINCT subscriber_id) AS readers FROM event_readers
   WHERE type = 'email.clicked' AND week ${w} GROUP BY week ORDER BY week`;
const CHANGES: Sql = (w) => `SELECT week, change, COUNT(*) AS readers FROM subscriber_changes
   WHERE week ${w} GROUP BY week, change ORDER BY week, change`;
const VOTES: Sql = (w) => `SELECT week, pair_id AS "pairId", tool_id AS "toolId", COUNT(*) AS votes
   FROM votes WHERE week ${w} GROUP BY week, pair_id, tool_id ORDER BY week, pair_id, tool_id`;
const REFUSALS: Sql = (
  w,
) => `SELECT week, COALESCE(refusal, '') AS message, COUNT(*) AS readers FROM send_recipients
   WHERE status = 'refused' AND week ${w} GROUP BY week, message ORDER BY week, message`;

export function createPgStats(q: Queryable): StatsRepo {
  const run = <R>(sql: Sql, week: string | undefined) =>
    week === undefined ? rows<R>(q, sql('IS NOT NULL')) : rows<R>(q, sql('= $1'), [week]);
  return {
    async figures(week?: string): Promise<IssueFigures> {
      return {
        sends: await run(SENDS, week),
        events: await run(EVENTS, week),
        clickers: await run(CLICKERS, week),
        changes: await run(CHANGES, week),
        votes: await run(VOTES, week),
        refusals: await run(REFUSALS, week),
      };
    },
  };
}
