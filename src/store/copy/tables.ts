// Every table a copy moves, in an order the target's foreign keys accept (subscribers before
// votes and mail_queue, issue_sends before send_batches), with its columns named once so both
// engines read and write them in the same order whatever order their migrations added them,
// and its primary key, the order rows are paged, hashed and compared in.
export type ColumnType = 'int' | 'text' | 'bytes';

export type TableSpec = {
  name: string;
  columns: readonly (readonly [name: string, type: ColumnType])[];
  /** The primary key: rows are read, hashed and compared in this order. */
  key: readonly string[];
  /** An identity column whose sequence must continue after the copied ids. */
  identity?: string;
  /** Rows per page when rows are large (archive files), instead of the copy's default. */
  pageRows?: number;
};

const text = (...names: string[]) => names.map((n) => [n, 'text'] as const);
const int = (...names: string[]) => names.map((n) => [n, 'int'] as const);

export const COPIED_TABLES: readonly TableSpec[] = [
  {
    name: 'subscribers',
    columns: [
      ...int('id'),
      ...text('email', 'name', 'status', 'source', 'created_at', 'updated_at'),
      ...text('confirmed_at', 'unsubscribed_at', 'confirm_sent_at', 'forgotten_at', 'welcomed_at'),
      ...text('topics'),
      ...int('paused_issues'),
    ],
    key: ['id'],
    identity: 'id',
  },
  {
    name: 'suppressions',
    columns: text('email_hash', 'email', 'reason', 'source', 'created_at'),
    key: ['email_hash'],
  },
  {
    name: 'issue_sends',
    columns: [
      ...text('week', 'send_id', 'content_hash', 'status'),
      ...int('recipients', 'batches'),
      ...text('started_at', 'finished_at'),
    ],
    key: ['week'],
  },
  {
    name: 'send_batches',
    columns: [
      ...text('week'),
      ...int('batch_no'),
      ...text('status'),
      ...int('attempts'),
      ...text('first_attempt_at', 'last_attempt_at', 'submitted_at', 'error'),
    ],
    key: ['week', 'batch_no'],
  },
  {
    name: 'send_recipients',
    columns: [
      ...text('week'),
      ...int('subscriber_id', 'batch_no'),
      ...text('email', 'name', 'status', 'message_id', 'refusal', 'variant', 'skip_reason'),
    ],
    key: ['week', 'subscriber_id'],
  },
  {
    name: 'events',
    columns: [
      ...int('id'),
      ...text('svix_id', 'type', 'email', 'message_id', 'created_at', 'payload', 'week'),
      ...int('subscriber_id'),
      ...text('detail'),
    ],
    key: ['id'],
    identity: 'id',
  },
  {
    name: 'event_readers',
    columns: [...text('week', 'type', 'detail'), ...int('subscriber_id', 'events')],
    key: ['week', 'type', 'detail', 'subscriber_id'],
  },
  {
    name: 'subscriber_changes',
    columns: [...text('week'), ...int('subscriber_id'), ...text('change', 'at')],
    key: ['week', 'subscriber_id', 'change'],
  },
  {
    name: 'votes',
    columns: [...int('subscriber_id'), ...text('pair_id', 'tool_id', 'week', 'voted_at')],
    key: ['subscriber_id', 'pair_id'],
  },
  {
    name: 'mail_queue',
    columns: [
      ...int('id'),
      ...text('kind'),
      ...int('subscriber_id'),
      ...text('mailbox', 'status'),
      ...int('attempts'),
      ...text('created_at', 'next_attempt_at', 'claimed_at', 'finished_at', 'message_id', 'error'),
    ],
    key: ['id'],
    identity: 'id',
  },
  // A week's archive files: bytes once by sha256 (tens of KiB each, so small pages), then names.
  {
    name: 'archive_blobs',
    columns: [...text('sha256'), ['body', 'bytes']],
    key: ['sha256'],
    pageRows: 50,
  },
  {
    name: 'archive_files',
    columns: text('week', 'name', 'sha256', 'published_at'),
    key: ['week', 'name'],
  },
];

/** Tables a copy leaves behind, and why. */
export const SKIPPED_TABLES: readonly { name: string; why: string }[] = [
  {
    name: 'leases',
    why: 'per-process locks (a send or worker in flight), taken afresh by whoever runs next',
  },
  {
    name: 'rate_windows',
    why: "the public site's rate-limit counters of the current window, which start again at zero",
  },
  {
    name: 'provider_slots',
    why: "the provider's shared request budget (next slot, learned spacing), learned again from the next answer",
  },
];

/** Every table of the schema, for counts. */
export const ALL_TABLES: readonly string[] = [
  ...COPIED_TABLES.map((t) => t.name),
  ...SKIPPED_TABLES.map((t) => t.name),
];
