// Recipient fields are left in the rendered issue as placeholders and filled per recipient.
// A placeholder carries a nonce derived from the issue's own content, so no quote, name or
// tool in the data can contain a working placeholder: to forge one, a data file would have to
// contain the hash of itself. The nonce is recomputed from an archived issue.json, so the
// archive needs no extra state.
import { createHash } from 'node:crypto';
import type { Issue } from '../content/index.ts';

export const PLACEHOLDER_KEYS = ['unsub', 'vote', 'name', 'email', 'prefs'] as const;
export type PlaceholderKey = (typeof PLACEHOLDER_KEYS)[number];
export type Placeholders = Record<PlaceholderKey, string>;

/** JSON with object keys sorted at every level, so key order never changes the nonce. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const obj = v as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(obj)
        .sort()
        .filter((k) => obj[k] !== undefined)
        .map((k) => [k, obj[k]]),
    );
  });
}

export function placeholderNonce(issue: Issue): string {
  return createHash('sha256')
    .update(`verdicts-placeholder\n${canonicalJson(issue)}`)
    .digest('hex')
    .slice(0, 16);
}

/** Letters, digits and underscores only: survives MJML, minification and URL paths untouched. */
export function placeholders(nonce: string): Placeholders {
  const entries = PLACEHOLDER_KEYS.map((k) => [k, `__vt_${nonce}_${k}__`]);
  return Object.fromEntries(entries) as Placeholders;
}

export const placeholderPattern = (nonce: string) =>
  new RegExp(`__vt_${nonce}_(${PLACEHOLDER_KEYS.join('|')})__`, 'g');
