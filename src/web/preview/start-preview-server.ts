// Listen on a port, watch the data and template folders, and push changes to open tabs.
// close() stops watching, ends every live-reload stream and waits for the server to close.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { listenFailed } from '../../errors.ts';
import { createPreviewApp } from './create-preview-app.ts';
import type { PreviewDeps } from './deps.ts';
import { DEFAULT_PAGE_TEMPLATES_DIR } from './page-templates.ts';
import { createReloadHub, type ReloadHub } from './reload-hub.ts';
import { displayPath } from './shown-problem.ts';
import { watchSources } from './watch-sources.ts';

export type StartPreviewOptions = Omit<PreviewDeps, 'hub'> & {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Quiet time after the last save before reloading (default 100 ms). */
  debounceMs?: number;
};

export type PreviewServer = {
  url: string;
  port: number;
  hub: ReloadHub;
  close: () => Promise<void>;
};

/** An IPv6 literal needs brackets in a URL. */
const urlHost = (host: string) => (host.includes(':') ? `[${host}]` : host);

export async function startPreviewServer(opts: StartPreviewOptions): Promise<PreviewServer> {
  const { host, port, debounceMs, ...rest } = opts;
  const hub = createReloadHub();
  const deps: PreviewDeps = { ...rest, hub, boundHost: host };
  const app = createPreviewApp(deps);
  const server = serve({ fetch: app.fetch, hostname: host, port }) as Server;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
  } catch (e) {
    hub.close();
    throw listenFailed(e, host, port, 'PREVIEW_PORT');
  }
  const actual = (server.address() as AddressInfo).port;
  const watcher = watchSources({
    dirs: [
      deps.config.DATA_DIR,
      deps.templatesDir,
      deps.pageTemplatesDir ?? DEFAULT_PAGE_TEMPLATES_DIR,
      deps.config.ISSUES_DIR,
    ],
    ...(debounceMs === undefined ? {} : { debounceMs }),
    onChange: (files) => {
      const shown = files.map((f) => displayPath(f, deps.cwd));
      hub.publish(shown);
      deps.say?.(`changed: ${shown.join(', ')}`);
    },
    onError: (e) => deps.say?.(`watch: ${e.message}`),
  });
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost(host)}:${actual}/`,
    port: actual,
    hub,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        watcher.close();
        hub.close();
        server.close(() => resolve());
        // Live-reload streams and idle keep-alive sockets would hold close() open.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
