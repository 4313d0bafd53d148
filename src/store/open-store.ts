// The store over one open database: every repository the jobs and servers use, built once on
// the same connection, and one close. The composition root (pipeline/open-pipeline.ts) is
// what calls this; nothing else opens the database.
import { existsSync } from 'node:fs';
import { type Db, openDatabase } from './db.ts';
import { createEvents, type Events } from './events.ts';
import { createIssueStats, type IssueStats } from './issue-stats.ts';
import { createLeases, type Leases } from './leases.ts';
import { createLedger, type Ledger } from './ledger.ts';
import { createListHygiene, type ListHygiene } from './list-hygiene.ts';
import { createMailQueue, type MailQueue } from './mail-queue.ts';
import { createSubscribers, type Subscribers } from './subscribers.ts';
import { createVotes, type Votes } from './votes.ts';

export type Store = {
  db: Db;
  ledger: Ledger;
  leases: Leases;
  subscribers: Subscribers;
  events: Events;
  votes: Votes;
  /** The public site's own outgoing mail (confirmations). */
  mailQueue: MailQueue;
  hygiene: ListHygiene;
  /** The figures `verdicts stats` and the preview's report are built from. */
  stats: IssueStats;
  close: () => void;
};

export type OpenDatabase = (file: string) => Db;

export function storeOver(db: Db): Store {
  const subscribers = createSubscribers(db);
  return {
    db,
    ledger: createLedger(db),
    leases: createLeases(db),
    subscribers,
    events: createEvents(db),
    votes: createVotes(db),
    mailQueue: createMailQueue(db),
    hygiene: createListHygiene(db, subscribers),
    stats: createIssueStats(db),
    close: () => db.close(),
  };
}

export const openStore = (file: string, open: OpenDatabase = openDatabase): Store =>
  storeOver(open(file));

/** Commands that only read (build, lint, preview) must not create a database to learn "none". */
export const databaseExists = (file: string) => file === ':memory:' || existsSync(file);
