// The editors' preview server's face: every week (archived and drafts), live reload and test
// sends, on localhost.
export * from './create-preview-app.ts';
export * from './deps.ts';
export * from './start-preview-server.ts';
export * from './week-preview.ts';
