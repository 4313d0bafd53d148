// Listen on a port with the public app. The app is built once the address is known (`app` may
// be a function of the listening URL), so a test on port 0 can give the app its real public URL.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';

export type PublicServer = { url: string; port: number; close(): Promise<void> };

export type StartOptions = {
  port: number;
  host: string;
  app: Hono | ((listenUrl: string) => Hono);
  /** Slow clients are cut off: headers within this, the whole request within 2x. */
  headersTimeoutMs?: number;
  /** On close, requests still running after this are cut off. */
  graceMs?: number;
};

export function startPublicServer(opts: StartOptions): Promise<PublicServer> {
  let app: Hono | undefined = typeof opts.app === 'function' ? undefined : opts.app;
  return new Promise((resolve, reject) => {
    const server = serve(
      {
        // No request can arrive before `listening`, and by then `app` is set.
        fetch: (req, env) => app!.fetch(req, env),
        port: opts.port,
        hostname: opts.host,
        // Node checks the header and request timeouts only this often (30 s by default), so a
        // slow client outlived a 10 s headersTimeout by up to 30 s. Check every second instead.
        serverOptions: {
          connectionsCheckingInterval: Math.min(1_000, opts.headersTimeoutMs ?? 10_000),
        },
      },
      (info: AddressInfo) => {
        const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
        const url = `http://${host}:${info.port}`;
        if (typeof opts.app === 'function') app = opts.app(url);
        resolve({
          url,
          port: info.port,
          // Stop accepting, let requests in flight finish, cut keep-alive and stuck sockets.
          close: () =>
            new Promise<void>((done, fail) => {
              if (!('closeAllConnections' in server)) {
                server.close((e) => (e ? fail(e) : done()));
                return;
              }
              // A keep-alive connection goes idle once its answer is out: close it then, not
              // when the client's keep-alive timer ends. What still runs after graceMs is cut.
              const idle = setInterval(() => server.closeIdleConnections(), 50);
              const cut = setTimeout(() => server.closeAllConnections(), opts.graceMs ?? 5_000);
              server.close((e) => {
                clearInterval(idle);
                clearTimeout(cut);
                if (e) fail(e);
                else done();
              });
              server.closeIdleConnections();
            }),
        });
      },
    );
    const headersTimeout = opts.headersTimeoutMs ?? 10_000;
    if ('headersTimeout' in server) {
      server.headersTimeout = headersTimeout;
      server.requestTimeout = headersTimeout * 2;
    }
    server.once('error', reject);
  });
}
