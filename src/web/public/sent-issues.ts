// Which archived weeks are public: an issue appears once its send has started (its readers'
// "view in browser" links must work mid-send) and is listed on the front page once sent.
import type { Db } from '../../store/db.ts';

export type SendState = 'sending' | 'sent';

export function createSentIssues(db: Db) {
  const sent = db.prepare<[], { week: string }>(
    `SELECT week FROM issue_sends WHERE status = 'sent' ORDER BY week DESC`,
  );
  const state = db.prepare<[string], { status: SendState }>(
    'SELECT status FROM issue_sends WHERE week = ?',
  );
  return {
    /** Weeks whose send finished, newest first. */
    sentWeeks: (): string[] => sent.all().map((r) => r.week),
    stateOf: (week: string): SendState | undefined => state.get(week)?.status,
  };
}

export type SentIssues = ReturnType<typeof createSentIssues>;
