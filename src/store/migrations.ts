// Schema changes in order; the database's user_version says how many have run. Append only:
// never edit a migration that has shipped.
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE subscribers (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name TEXT,
    status TEXT NOT NULL CHECK (status IN ('pending','active','unsubscribed','bounced','complained')),
    source TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    confirmed_at TEXT,
    unsubscribed_at TEXT,
    confirm_sent_at TEXT
  );
  CREATE INDEX subscribers_status ON subscribers(status, id);

  -- The send ledger: one row per issue send, numbered batches of at most 100, one row per
  -- recipient. Frozen in one transaction when a send starts.
  CREATE TABLE issue_sends (
    week TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('sending','sent')),
    recipients INTEGER NOT NULL,
    batches INTEGER NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT
  );
  CREATE TABLE send_batches (
    week TEXT NOT NULL REFERENCES issue_sends(week),
    batch_no INTEGER NOT NULL,
    status TEXT NOT NULL
      CHECK (status IN ('pending','submitting','submitted','failed','uncertain')),
    attempts INTEGER NOT NULL DEFAULT 0,
    first_attempt_at TEXT,
    last_attempt_at TEXT,
    submitted_at TEXT,
    error TEXT,
    PRIMARY KEY (week, batch_no)
  );
  CREATE TABLE send_recipients (
    week TEXT NOT NULL REFERENCES issue_sends(week),
    subscriber_id INTEGER NOT NULL REFERENCES subscribers(id),
    batch_no INTEGER NOT NULL,
    -- Address and name as frozen: a retried batch must rebuild byte-identical payloads.
    email TEXT NOT NULL,
    name TEXT,
    status TEXT NOT NULL CHECK (status IN ('queued','sent','skipped')),
    message_id TEXT,
    PRIMARY KEY (week, subscriber_id)
  );
  CREATE INDEX send_recipients_batch ON send_recipients(week, batch_no);

  CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  );

  CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    svix_id TEXT UNIQUE,
    type TEXT NOT NULL,
    email TEXT,
    message_id TEXT,
    created_at TEXT NOT NULL,
    payload TEXT NOT NULL
  );
  CREATE INDEX events_email ON events(email);

  CREATE TABLE votes (
    subscriber_id INTEGER NOT NULL REFERENCES subscribers(id),
    pair_id TEXT NOT NULL,
    tool_id TEXT NOT NULL,
    week TEXT NOT NULL,
    voted_at TEXT NOT NULL,
    PRIMARY KEY (subscriber_id, pair_id)
  );
  CREATE INDEX votes_pair ON votes(pair_id, tool_id);
  `,
  `
  -- Mail the public site sends on its own (confirmations; later welcomes): written in the same
  -- transaction as the decision to send, sent after the answer, drained again after a restart.
  -- Rows stay after sending: they are what the per-mailbox and global caps count.
  CREATE TABLE mail_queue (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    subscriber_id INTEGER NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
    -- mailboxKey(email): plus-tags and case folded, so tags of one inbox share a cap.
    mailbox TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued','sending','sent','skipped','failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    next_attempt_at TEXT NOT NULL,
    claimed_at TEXT,
    finished_at TEXT,
    message_id TEXT,
    error TEXT
  );
  CREATE INDEX mail_queue_due ON mail_queue(status, next_attempt_at);
  CREATE INDEX mail_queue_mailbox ON mail_queue(kind, mailbox, created_at);
  CREATE INDEX mail_queue_created ON mail_queue(kind, created_at);
  `,
  // Erasure and suppression. A forgotten reader's subscribers row, when the ledger or votes
  // still refer to it, stays as a tombstone with no address (forgotten_at set), so counts
  // keep adding up; the address itself survives only as a keyed hash in suppressions.
  // Suppression-list entries keep their address (the operator exports them); forgotten
  // ones do not. welcomed_at makes the welcome email a once-per-reader claim.
  `
  ALTER TABLE subscribers ADD COLUMN forgotten_at TEXT;
  ALTER TABLE subscribers ADD COLUMN welcomed_at TEXT;
  CREATE TABLE suppressions (
    email_hash TEXT PRIMARY KEY,
    email TEXT COLLATE NOCASE,
    reason TEXT NOT NULL CHECK (reason IN ('suppressed','forgotten')),
    source TEXT NOT NULL,
    created_at TEXT NOT NULL,
    CHECK ((reason = 'forgotten') = (email IS NULL))
  );
  `,
];
