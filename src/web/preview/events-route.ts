// Live reload: one Server-Sent Events stream per open tab. On connect the tab hears the
// current version (so it catches up after a reconnect); after each change it hears which
// files changed and re-fetches. The stream ends when the hub closes (server shutdown).
import type { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { ReloadHub } from './reload-hub.ts';
import { previewRoutes } from './routes.ts';

const KEEP_ALIVE_MS = 20_000;
/** How soon EventSource reconnects after the server restarts. */
const RETRY_MS = 500;

export function eventsRoute(app: Hono, hub: ReloadHub) {
  app.get(previewRoutes.events, (c) =>
    streamSSE(c, async (stream) => {
      await stream.writeSSE({ event: 'hello', data: String(hub.version()), retry: RETRY_MS });
      await new Promise<void>((resolve) => {
        const keepAlive = setInterval(() => void stream.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
        let unsubscribe = () => {};
        const done = () => {
          clearInterval(keepAlive);
          unsubscribe();
          resolve();
        };
        unsubscribe = hub.subscribe((event) => {
          if (event === null) return done();
          void stream.writeSSE({
            event: 'change',
            id: String(event.version),
            data: JSON.stringify(event),
          });
        });
        stream.onAbort(done);
      });
    }),
  );
}
