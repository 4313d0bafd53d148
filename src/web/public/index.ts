// The public site's face: the app (archive, feed, subscribe, confirm, unsubscribe, votes,
// webhooks), what it needs injected, and the server that runs it.
export * from './app.ts';
export * from './deps.ts';
export { isLoopbackHost } from './security.ts';
export * from './server.ts';
