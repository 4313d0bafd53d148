// The columns that carry a reader's topics and pause: our own export's (JSON topics, a pause
// count), and other tools' tags, groups and labels, kept as topics only where they name one of
// our categories. Pure.
import { categorySlug } from '../content/index.ts';
import { err, ok, type Result } from '../result.ts';
import type { Unreadable } from './import-formats.ts';
import { MAX_PAUSE_ISSUES, normaliseTopics, TOPIC_SLUG } from './subscribers.ts';

/** Tags as slugs (none: undefined, so the reader keeps "everything"). */
export const tagTopics = (tags: readonly string[]): string[] | undefined => {
  const slugs = normaliseTopics(tags.map(categorySlug)).filter((t) => TOPIC_SLUG.test(t));
  return slugs.length > 0 ? slugs : undefined;
};

/** Mailchimp's TAGS: each tag double-quoted, comma-separated (`"Editors","Vision"`). */
export const mailchimpTags = (raw: string): string[] =>
  [...raw.matchAll(/"((?:[^"]|"")*)"|([^,]+)/g)].map((m) =>
    (m[1] ?? m[2] ?? '').replace(/""/g, '"'),
  );

/** Buttondown's tags: a JSON array of strings. */
export const jsonTags = (raw: string): string[] => {
  try {
    const v: unknown = JSON.parse(raw || '[]');
    return Array.isArray(v) ? v.filter((t): t is string => typeof t === 'string') : [];
  } catch {
    return [];
  }
};

/** Ghost's labels: comma-separated names. */
export const commaTags = (raw: string): string[] => raw.split(',');

/** Our export's topics column: empty for everything, else a JSON array of slugs. */
export function ourTopics(raw: string): Result<string[] | null, Unreadable> {
  if (raw === '') return ok(null);
  try {
    const v: unknown = JSON.parse(raw);
    if (Array.isArray(v) && v.every((t) => typeof t === 'string' && TOPIC_SLUG.test(t))) {
      return ok(normaliseTopics(v as string[]));
    }
  } catch {
    // refused below
  }
  return err({ reason: `unknown topics ${JSON.stringify(raw)}` });
}

export function ourPause(raw: string): Result<number, Unreadable> {
  if (raw === '') return ok(0);
  const n = Number(raw);
  return /^\d+$/.test(raw) && n <= MAX_PAUSE_ISSUES
    ? ok(n)
    : err({ reason: `unknown pausedIssues ${JSON.stringify(raw)}` });
}
