// What the store tells about readers beyond their row: one reader's history (their data
// export: issues, votes, mail events) and the active list's topic choices (for `stats`).
import type { Db } from './db.ts';
import type { ReaderHistory, Subscriber, TopicChoices } from './subscriber-model.ts';

export function createReaderFigures(db: Db, getById: (id: number) => Subscriber | undefined) {
  const historyIssues = db.prepare<[number], ReaderHistory['issues'][number]>(
    `SELECT week, status, variant, skip_reason AS skipReason, message_id AS messageId
     FROM send_recipients WHERE subscriber_id = ? ORDER BY week`,
  );
  const historyVotes = db.prepare<[number], ReaderHistory['votes'][number]>(
    `SELECT week, pair_id AS pairId, tool_id AS toolId, voted_at AS votedAt
     FROM votes WHERE subscriber_id = ? ORDER BY voted_at, pair_id`,
  );
  const historyEvents = db.prepare<[number, string], ReaderHistory['events'][number]>(
    `SELECT type, created_at AS createdAt, week, detail FROM events
     WHERE subscriber_id = ? OR email = ? ORDER BY created_at, id`,
  );
  const choiceTotals = db.prepare<[], { active: number; everything: number; paused: number }>(
    `SELECT COUNT(*) AS active,
       IFNULL(SUM(topics IS NULL), 0) AS everything,
       IFNULL(SUM(paused_issues > 0), 0) AS paused
     FROM subscribers WHERE status = 'active' AND forgotten_at IS NULL`,
  );
  const choiceTopics = db.prepare<[], { topic: string; n: number }>(
    `SELECT j.value AS topic, COUNT(*) AS n FROM subscribers s, json_each(s.topics) j
     WHERE s.status = 'active' AND s.forgotten_at IS NULL AND s.topics IS NOT NULL
     GROUP BY j.value ORDER BY j.value`,
  );

  return {
    /** The reader's issues, votes and mail events (their data export); undefined: no reader. */
    history(id: number): ReaderHistory | undefined {
      const s = getById(id);
      if (!s) return undefined;
      return {
        issues: historyIssues.all(id),
        votes: historyVotes.all(id),
        events: historyEvents.all(id, s.email),
      };
    },

    /** The active list's topic choices. */
    topicChoices(): TopicChoices {
      const t = choiceTotals.get()!;
      return {
        ...t,
        byTopic: Object.fromEntries(choiceTopics.all().map((r) => [r.topic, r.n])),
      };
    },
  };
}
