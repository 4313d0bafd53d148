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
  // Events tied to their issue and reader. An event is linked through the message id the
  // ledger keeps for each recipient; one that arrives before the ledger records that id (a
  // webhook racing the send) is linked by the trigger when the id is written. `detail` is the
  // part of the payload a report groups by: a bounce's class (hard/soft) or a click's link.
  // No foreign keys on subscriber ids here: forgetting an address deletes its rows by id.
  `
  ALTER TABLE events ADD COLUMN week TEXT;
  ALTER TABLE events ADD COLUMN subscriber_id INTEGER;
  ALTER TABLE events ADD COLUMN detail TEXT;
  CREATE INDEX events_message ON events(message_id) WHERE message_id IS NOT NULL;
  CREATE INDEX events_subscriber ON events(subscriber_id, week) WHERE subscriber_id IS NOT NULL;
  CREATE INDEX send_recipients_message ON send_recipients(message_id) WHERE message_id IS NOT NULL;
  CREATE INDEX send_recipients_subscriber ON send_recipients(subscriber_id, week);

  -- What an issue did to its readers' status: unsubscribed through its links, or suppressed
  -- by the soft-bounce rule. One row per (issue, reader, change).
  CREATE TABLE subscriber_changes (
    week TEXT NOT NULL,
    subscriber_id INTEGER NOT NULL,
    change TEXT NOT NULL CHECK (change IN ('unsubscribed','soft_bounce_suppressed')),
    at TEXT NOT NULL,
    PRIMARY KEY (week, subscriber_id, change)
  );
  CREATE INDEX subscriber_changes_subscriber ON subscriber_changes(subscriber_id);

  -- One row per (issue, event type, detail, reader) with its number of events, kept by the
  -- triggers below: unique readers are then a COUNT(*) of rows already in key order, where
  -- COUNT(DISTINCT) over a million events would sort them on every report. detail is '' for
  -- none (a WITHOUT ROWID key cannot be NULL).
  CREATE TABLE event_readers (
    week TEXT NOT NULL,
    type TEXT NOT NULL,
    detail TEXT NOT NULL,
    subscriber_id INTEGER NOT NULL,
    events INTEGER NOT NULL,
    PRIMARY KEY (week, type, detail, subscriber_id)
  ) WITHOUT ROWID;
  CREATE INDEX event_readers_subscriber ON event_readers(subscriber_id);

  CREATE TRIGGER events_count_linked AFTER INSERT ON events WHEN NEW.week IS NOT NULL
  BEGIN
    INSERT INTO event_readers VALUES (NEW.week, NEW.type, IFNULL(NEW.detail, ''), NEW.subscriber_id, 1)
    ON CONFLICT DO UPDATE SET events = events + 1;
  END;
  CREATE TRIGGER events_count_late AFTER UPDATE OF week ON events
  WHEN OLD.week IS NULL AND NEW.week IS NOT NULL
  BEGIN
    INSERT INTO event_readers VALUES (NEW.week, NEW.type, IFNULL(NEW.detail, ''), NEW.subscriber_id, 1)
    ON CONFLICT DO UPDATE SET events = events + 1;
  END;
  CREATE TRIGGER events_link_late AFTER UPDATE OF message_id ON send_recipients
  WHEN NEW.message_id IS NOT NULL AND NEW.message_id <> ''
  BEGIN
    UPDATE events SET week = NEW.week, subscriber_id = NEW.subscriber_id
    WHERE message_id = NEW.message_id AND week IS NULL;
  END;

  UPDATE events SET detail = CASE
      WHEN lower(coalesce(json_extract(payload, '$.data.bounce.type'), 'permanent')) = 'permanent'
      THEN 'hard' ELSE 'soft' END
    WHERE type = 'email.bounced' AND json_valid(payload);
  UPDATE events SET detail = json_extract(payload, '$.data.click.link')
    WHERE type = 'email.clicked' AND json_valid(payload);
  UPDATE events SET week = r.week, subscriber_id = r.subscriber_id
    FROM send_recipients r WHERE r.message_id = events.message_id AND events.week IS NULL;
  `,
  // Idempotency keys become `<send id>:<batch>`: a random id recorded at freeze, so another
  // database on the same Resend account (staging, a second newsletter, a re-created file) never
  // produces a key this one used. Ledgers frozen before keep `<week>:<batch>`, the keys their
  // batches were already sent with, so a resume still matches them.
  `
  ALTER TABLE issue_sends ADD COLUMN send_id TEXT;
  UPDATE issue_sends SET send_id = week;
  `,
  // The archive of every frozen week, published into the database so that a public server on
  // another host (with no issues/ folder) serves it: files by name per week, their bytes kept
  // once by sha256 (a rebuilt week that did not change stores nothing new). And the counters of
  // the public site's rate limits, shared by every server on the database: one row per key
  // and fixed window.
  `
  CREATE TABLE archive_blobs (
    sha256 TEXT PRIMARY KEY,
    body BLOB NOT NULL
  );
  CREATE TABLE archive_files (
    week TEXT NOT NULL,
    name TEXT NOT NULL,
    sha256 TEXT NOT NULL REFERENCES archive_blobs(sha256),
    published_at TEXT NOT NULL,
    PRIMARY KEY (week, name)
  );
  CREATE TABLE rate_windows (
    key TEXT PRIMARY KEY,
    window_start INTEGER NOT NULL,
    hits INTEGER NOT NULL
  );
  `,
  // Permissive batches: the provider may refuse one address and take the rest of its batch.
  // Such a recipient is `refused`, with the provider's message in `refusal`. A CHECK cannot be
  // altered in place, so send_recipients is rebuilt (SQLite's documented procedure: new table,
  // copy, drop, rename), and its indexes and the event-link trigger on it are made again.
  // Nothing refers to send_recipients by foreign key, so dropping it checks nothing.
  `
  CREATE TABLE send_recipients_new (
    week TEXT NOT NULL REFERENCES issue_sends(week),
    subscriber_id INTEGER NOT NULL REFERENCES subscribers(id),
    batch_no INTEGER NOT NULL,
    email TEXT NOT NULL,
    name TEXT,
    status TEXT NOT NULL CHECK (status IN ('queued','sent','skipped','refused')),
    message_id TEXT,
    refusal TEXT,
    PRIMARY KEY (week, subscriber_id)
  );
  INSERT INTO send_recipients_new (week, subscriber_id, batch_no, email, name, status, message_id)
    SELECT week, subscriber_id, batch_no, email, name, status, message_id FROM send_recipients;
  DROP TABLE send_recipients;
  ALTER TABLE send_recipients_new RENAME TO send_recipients;
  CREATE INDEX send_recipients_batch ON send_recipients(week, batch_no);
  CREATE INDEX send_recipients_message ON send_recipients(message_id) WHERE message_id IS NOT NULL;
  CREATE INDEX send_recipients_subscriber ON send_recipients(subscriber_id, week);
  CREATE TRIGGER events_link_late AFTER UPDATE OF message_id ON send_recipients
  WHEN NEW.message_id IS NOT NULL AND NEW.message_id <> ''
  BEGIN
    UPDATE events SET week = NEW.week, subscriber_id = NEW.subscriber_id
    WHERE message_id = NEW.message_id AND week IS NULL;
  END;
  `,
  // The provider's request budget, shared by every process on the database (Resend's rate
  // limit is per team): one row per budget, its next free slot and the spacing every taker
  // follows, in ms on the database's clock. Runtime state: a copy leaves it behind.
  `
  CREATE TABLE provider_slots (
    name TEXT PRIMARY KEY,
    next_at_ms REAL NOT NULL,
    interval_ms REAL NOT NULL,
    updated_at_ms REAL NOT NULL
  );
  `,
  // Topics and pause (issue #26): `topics` is a JSON array of category slugs, NULL for
  // everything (which also takes categories added later); `paused_issues` counts the issues
  // still to skip, one per freeze, so a week with no issue does not use up a pause.
  `
  ALTER TABLE subscribers ADD COLUMN topics TEXT;
  ALTER TABLE subscribers ADD COLUMN paused_issues INTEGER NOT NULL DEFAULT 0 CHECK (paused_issues >= 0);
  `,
  // Variants (issue #26): each recipient is frozen with the variant of the week's issue its
  // topics chose (NULL: the full issue), or skipped at the freeze with the reason
  // (`paused`, `no_topics`) and in no batch (batch_no -1).
  `
  ALTER TABLE send_recipients ADD COLUMN variant TEXT;
  ALTER TABLE send_recipients ADD COLUMN skip_reason TEXT;
  `,
];
