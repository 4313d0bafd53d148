// The figures an issue report is made of, read straight from the ledger, the linked events
// (counted per reader in event_readers), the subscriber changes and the votes. One grouped
// query per figure, for one week or for every sent week at once (so `verdicts stats` costs the
// same handful of queries however many issues there are); each is answered from a key or an
// index in order, never by loading events into memory.
import type {
  ChangeFigure,
  ClickerFigure,
  EventFigure,
  IssueFigures,
  RefusalFigure,
  SendFigures,
  VoteFigure,
} from '../report/index.ts';
import type { Db } from './db.ts';

/**
 * Two statements per figure, one for a week and one for all of them: a bound "@week IS NULL
 * OR week = @week" would keep SQLite from using the week index for the single week.
 */
function perWeek<R>(db: Db, sql: (where: string) => string) {
  const one = db.prepare<[{ week: string }], R>(sql('= @week'));
  const all = db.prepare<[], R>(sql('IS NOT NULL'));
  return (week?: string): R[] => (week === undefined ? all.all() : one.all({ week }));
}

export function createIssueStats(db: Db) {
  const sends = perWeek<SendFigures>(
    db,
    (
      w,
    ) => `SELECT s.week AS week, s.status AS status, s.finished_at AS finishedAt, COUNT(r.subscriber_id) AS recipients,
       COALESCE(SUM(r.status = 'sent'), 0) AS submitted,
       COALESCE(SUM(r.status = 'refused'), 0) AS refused,
       COALESCE(SUM(r.status = 'sent' AND r.message_id LIKE 'outbox-%'), 0) AS viaOutbox
     FROM issue_sends s LEFT JOIN send_recipients r ON r.week = s.week
     WHERE s.week ${w} GROUP BY s.week ORDER BY s.week DESC`,
  );
  // event_readers holds one row per (issue, type, detail, reader): unique readers are rows.
  const events = perWeek<EventFigure>(
    db,
    (
      w,
    ) => `SELECT week, type, NULLIF(detail, '') AS detail, SUM(events) AS total, COUNT(*) AS readers
     FROM event_readers WHERE week ${w} GROUP BY week, type, detail`,
  );
  const clickers = perWeek<ClickerFigure>(
    db,
    (w) => `SELECT week, COUNT(DISTINCT subscriber_id) AS readers FROM event_readers
     WHERE type = 'email.clicked' AND week ${w} GROUP BY week`,
  );
  const changes = perWeek<ChangeFigure>(
    db,
    (w) => `SELECT week, change, COUNT(*) AS readers FROM subscriber_changes
     WHERE week ${w} GROUP BY week, change`,
  );
  const votes = perWeek<VoteFigure>(
    db,
    (w) => `SELECT week, pair_id AS pairId, tool_id AS toolId, COUNT(*) AS votes FROM votes
     WHERE week ${w} GROUP BY week, pair_id, tool_id`,
  );
  const refusals = perWeek<RefusalFigure>(
    db,
    (w) => `SELECT week, IFNULL(refusal, '') AS message, COUNT(*) AS readers FROM send_recipients
     WHERE status = 'refused' AND week ${w} GROUP BY week, message ORDER BY week, message`,
  );

  return {
    /** Figures of one week, or of every week with a send (`week` undefined). */
    figures: (week?: string): IssueFigures => ({
      sends: sends(week),
      events: events(week),
      clickers: clickers(week),
      changes: changes(week),
      votes: votes(week),
      refusals: refusals(week),
    }),
  };
}

export type IssueStats = ReturnType<typeof createIssueStats>;
