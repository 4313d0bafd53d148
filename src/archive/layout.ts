// Where the archive keeps things. One place for the file names so writers and readers agree.
import path from 'node:path';

export const ARCHIVE_FILES = {
  issue: 'issue.json',
  emailHtml: 'email.html',
  emailText: 'email.txt',
  web: 'index.html',
  hash: 'content-hash.txt',
  meta: 'meta.json',
} as const;

/** A variant's file inside the week's folder (`variants/<id>/email.html`). */
export const variantFile = (variant: string, name: string) => `variants/${variant}/${name}`;
export const VARIANT_ID = /^[a-z0-9][a-z0-9-]{0,99}$/;

/** The names content-hash.txt lists (every file of the week but itself). */
export const hashedNames = (hashText: string): string[] =>
  hashText
    .split('\n')
    .filter(Boolean)
    .map((line) => line.slice(line.indexOf('  ') + 2));

export const weekDir = (issuesDir: string, week: string) => path.join(issuesDir, week);
export const archivePath = (issuesDir: string, week: string, file: keyof typeof ARCHIVE_FILES) =>
  path.join(issuesDir, week, ARCHIVE_FILES[file]);

/** Files at the top of the archive, regenerated after every build. */
export const ARCHIVE_INDEX_FILES = { index: 'index.html', feed: 'feed.xml' } as const;
