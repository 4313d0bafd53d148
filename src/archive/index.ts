// The archive's face: issues/<week>/ written all at once, read once and hash-checked, plus
// the archive index and feed.
export * from './atomic.ts';
export * from './feed.ts';
export * from './layout.ts';
export * from './list-issues.ts';
export * from './read-email.ts';
export * from './write-index.ts';
export * from './write-issue.ts';
