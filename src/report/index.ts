// The report's face: what an issue did, from the figures the store reads and the archived
// issue. Pure: figures and issues in, counts, rates, groupings and text out.
export * from './click-link.ts';
export * from './figures.ts';
export * from './format-report.ts';
export * from './issue-report.ts';
export * from './pair-votes.ts';
export * from './panel-vs-readers.ts';
