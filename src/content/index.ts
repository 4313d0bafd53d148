// Content's face: data files in, validated Content out (every problem with file and field),
// then selection and scores into a plain Issue. Pure: no clock, network or store.
export * from './apply-votes.ts';
export * from './build-issue.ts';
export * from './category.ts';
export * from './cross-check.ts';
export * from './issue.ts';
export * from './json-schema.ts';
export * from './load.ts';
export * from './parse-content.ts';
export * from './parse-file.ts';
export * from './problem.ts';
export * from './schema.ts';
export * from './score.ts';
export * from './select.ts';
export * from './variants.ts';
export * from './week.ts';
