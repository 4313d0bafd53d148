// Other tools' subscriber exports, read by their own column names and status words. Pure: a
// header picks the format, and each record maps to an address, a name, a status and dates,
// or to a reason it cannot be read. The sources each mapping follows are cited beside the
// test fixtures (test/fixtures/imports/README.md); a status word we do not know refuses the
// row instead of guessing "active", because a wrong guess mails someone who opted out.
import { err, ok, type Result } from '../result.ts';
import { joinName, type Rec, restored, toIso, v } from './import-cells.ts';
import {
  commaTags,
  jsonTags,
  mailchimpTags,
  ourPause,
  ourTopics,
  tagTopics,
} from './import-tags.ts';
import { SUBSCRIBER_STATUSES, type SubscriberStatus } from './subscribers.ts';

export const IMPORT_FORMATS = [
  'verdicts',
  'mailchimp',
  'substack',
  'buttondown',
  'kit',
  'beehiiv',
  'ghost',
  'plain',
] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** What a row can ask for: a subscriber status, or one of the two kinds of suppression. */
export type ImportStatus = SubscriberStatus | 'suppressed' | 'forgotten';
export const IMPORT_STATUSES: readonly ImportStatus[] = [
  ...SUBSCRIBER_STATUSES,
  'suppressed',
  'forgotten',
];

export type MappedRow = {
  status: ImportStatus;
  name: string | null;
  /** Only our own export carries a source; other tools' rows get `import:<file>`. */
  source?: string;
  /** Our own export: an empty date means none, not "unknown". */
  exact?: boolean;
  createdAt?: string | null;
  updatedAt?: string | null;
  confirmedAt?: string | null;
  unsubscribedAt?: string | null;
  welcomedAt?: string | null;
  /**
   * Our export: the reader's topics (null: everything). Other tools: their tags, groups or
   * labels as slugs, which the import keeps only where they name one of our categories.
   */
  topics?: string[] | null;
  /** Our export: issues still paused. */
  pausedIssues?: number;
};

/** Why a row cannot be read, and the status it asked for when that much was readable. */
export type Unreadable = { reason: string; status?: ImportStatus };

export type Format = {
  emailColumn: string;
  /** Columns (lower-cased) that identify the format; all must be present. */
  marks: readonly string[];
  map: (r: Rec) => Result<MappedRow, Unreadable>;
  /** Undo what our exporter did to a cell, before anything is read (our own format only). */
  prepare?: (r: Rec) => Rec;
};

const byWord =
  (column: string, words: Record<string, ImportStatus>) =>
  (r: Rec): Result<ImportStatus, Unreadable> => {
    const word = v(r, column).toLowerCase();
    const status = words[word];
    return status
      ? ok(status)
      : err({ reason: `unknown ${column} ${JSON.stringify(v(r, column))}` });
  };

// Our words, plus the unambiguous ones other lists use in a plain `status` column. Not
// "inactive": beehiiv means unsubscribed by it, Kit means unconfirmed.
const ourStatus = byWord('status', {
  ...(Object.fromEntries(IMPORT_STATUSES.map((s) => [s, s])) as Record<string, ImportStatus>),
  subscribed: 'active',
  confirmed: 'active',
  unconfirmed: 'pending',
  cancelled: 'unsubscribed',
  canceled: 'unsubscribed',
  cleaned: 'bounced',
  undeliverable: 'bounced',
});

export const FORMATS: Record<ImportFormat, Format> = {
  // Our own `subscribers export` (every column, so a move is lossless), or any list with a
  // `status` column in our words: a status column is never ignored.
  verdicts: {
    emailColumn: 'email',
    marks: ['email', 'status'],
    // Only a file with every column of our export (`createdAt` among them) was written by it.
    prepare: (r) => ('createdat' in r ? restored(r) : r),
    map: (r) => {
      const status = ourStatus(r);
      if (!status.ok) return status;
      const topics = ourTopics(v(r, 'topics'));
      if (!topics.ok) return err({ ...topics.error, status: status.value });
      const paused = ourPause(v(r, 'pausedissues'));
      if (!paused.ok) return err({ ...paused.error, status: status.value });
      return ok({
        status: status.value,
        name: v(r, 'name') || null,
        source: v(r, 'source') || undefined,
        exact: 'createdat' in r,
        createdAt: toIso(r.createdat),
        updatedAt: toIso(r.updatedat),
        confirmedAt: toIso(r.confirmedat),
        unsubscribedAt: toIso(r.unsubscribedat),
        welcomedAt: toIso(r.welcomedat),
        topics: topics.value,
        pausedIssues: paused.value,
      });
    },
  },
  // One file per audience section: subscribed, unsubscribed (UNSUB_TIME) and cleaned
  // (CLEAN_TIME: hard bounces, or soft bounces that kept failing).
  mailchimp: {
    emailColumn: 'email address',
    marks: ['email address'],
    map: (r) => {
      const status: ImportStatus =
        'clean_time' in r ? 'bounced' : 'unsub_time' in r ? 'unsubscribed' : 'active';
      return ok({
        status,
        name: joinName(v(r, 'first name'), v(r, 'last name')),
        createdAt: toIso(r.optin_time) ?? toIso(r.confirm_time),
        confirmedAt: toIso(r.confirm_time),
        unsubscribedAt: toIso(r.unsub_time),
        topics: tagTopics(mailchimpTags(v(r, 'tags'))),
      });
    },
  },
  // email_disabled=true: the reader turned emails off. Deletion requests are skipped.
  substack: {
    emailColumn: 'email',
    marks: ['email', 'email_disabled'],
    map: (r) => {
      if (/@deletion-request\.substack\.com$/i.test(v(r, 'email'))) {
        return err({ reason: 'a Substack deletion request, not an address' });
      }
      const disabled = v(r, 'email_disabled').toLowerCase();
      if (disabled !== 'true' && disabled !== 'false' && disabled !== '') {
        return err({ reason: `unknown email_disabled ${JSON.stringify(disabled)}` });
      }
      return ok({
        status: disabled === 'true' ? 'unsubscribed' : 'active',
        name: v(r, 'name') || null,
        createdAt: toIso(r.created_at),
      });
    },
  },
  buttondown: {
    emailColumn: 'email',
    marks: ['email', 'subscriber_type'],
    map: (r) => {
      const status = byWord('subscriber_type', {
        regular: 'active',
        premium: 'active',
        trialed: 'active',
        unpaid: 'active',
        gifted: 'active',
        churning: 'active',
        paused: 'active',
        past_due: 'active',
        unactivated: 'pending',
        unsubscribed: 'unsubscribed',
        removed: 'unsubscribed',
        undeliverable: 'bounced',
        spammy: 'bounced',
        complained: 'complained',
      })(r);
      if (!status.ok) return status;
      return ok({
        status: status.value,
        name: v(r, 'name') || null,
        createdAt: toIso(r.creation_date),
        unsubscribedAt: toIso(r.unsubscription_date),
        topics: tagTopics(jsonTags(v(r, 'tags'))),
      });
    },
  },
  // Kit's states: active (confirmed), inactive (unconfirmed), cancelled, bounced, complained,
  // cold (still confirmed, just not opening: Kit keeps mailing them).
  kit: {
    emailColumn: 'email_address',
    marks: ['email_address', 'state'],
    map: (r) => {
      const status = byWord('state', {
        active: 'active',
        cold: 'active',
        inactive: 'pending',
        cancelled: 'unsubscribed',
        canceled: 'unsubscribed',
        bounced: 'bounced',
        complained: 'complained',
      })(r);
      if (!status.ok) return status;
      return ok({
        status: status.value,
        name: joinName(v(r, 'first_name'), v(r, 'last_name')),
        createdAt: toIso(r.created_at),
        unsubscribedAt: toIso(r.canceled_at ?? r.cancelled_at),
      });
    },
  },
  beehiiv: {
    emailColumn: 'email',
    marks: ['email', 'status', 'created_at'],
    map: (r) => {
      const status = byWord('status', {
        active: 'active',
        inactive: 'unsubscribed',
        pending: 'pending',
        validating: 'pending',
        invalid: 'bounced',
      })(r);
      if (!status.ok) return status;
      return ok({
        status: status.value,
        name: joinName(v(r, 'first name'), v(r, 'last name')),
        createdAt: toIso(r.created_at),
        unsubscribedAt: toIso(r.unsubscribed_at),
      });
    },
  },
  ghost: {
    emailColumn: 'email',
    marks: ['email', 'subscribed_to_emails'],
    map: (r) => {
      const subscribed = v(r, 'subscribed_to_emails').toLowerCase();
      if (subscribed !== 'true' && subscribed !== 'false') {
        return err({ reason: `unknown subscribed_to_emails ${JSON.stringify(subscribed)}` });
      }
      return ok({
        status: subscribed === 'true' ? 'active' : 'unsubscribed',
        name: v(r, 'name') || null,
        createdAt: toIso(r.created_at),
        topics: tagTopics(commaTags(v(r, 'labels'))),
      });
    },
  },
  // The operator's own list: an email column and maybe a name, vouched for as active.
  plain: {
    emailColumn: 'email',
    marks: ['email'],
    map: (r) => ok({ status: 'active', name: v(r, 'name') || null }),
  },
};
