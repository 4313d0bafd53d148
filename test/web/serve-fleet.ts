// Several `verdicts serve` processes on one database, as N public servers behind a proxy: each a
// real child (test/fault/child.ts, so every one is killed after its test), on its own port and
// INSTANCE_ID, with its own empty ISSUES_DIR and OUTBOX_DIR (nothing of another host's disk).
// `restart()` is one step of a rolling restart: SIGTERM (drain), then the same settings again on
// a new port. `fetch` is the proxy: round-robin, and a server that refuses the connection (it is
// restarting) is skipped for the next one.
import path from 'node:path';
import { type ChildResult, type SendChild, useChildren } from '../fault/child.ts';
import { tempDir } from '../support/paths.ts';

export type FleetServer = {
  readonly instance: string;
  /** Its settings (its own INSTANCE_ID, ISSUES_DIR and OUTBOX_DIR over the fleet's). */
  readonly env: Readonly<Record<string, string>>;
  /** Where it listens now (a restart picks a new port). */
  readonly url: string;
  /** SIGTERM, wait for the exit (its result), then start again with the same settings. */
  restart(): Promise<ChildResult>;
  /** SIGTERM and wait: the exit code and everything it logged. */
  stop(): Promise<ChildResult>;
  /** Its log so far (the current process's). */
  output(): string;
};

export type Fleet = {
  servers: FleetServer[];
  /** One request through the "proxy": the next server in turn, or the one after if it is down. */
  fetch(pathAndQuery: string, init?: RequestInit): Promise<Response>;
  /** The server the next `fetch` goes to (round-robin), for requests a test sends by hand. */
  next(): FleetServer;
};

/** Call at the top of a file: `start(n, env)` starts n servers; all are killed after each test. */
export function useServeFleet() {
  const spawn = useChildren();

  type Running = { c: SendChild; url: string; log: () => string };
  const startOne = async (env: Record<string, string>): Promise<Running> => {
    const c = spawn(['serve', '--port', '0', '--host', '127.0.0.1'], env);
    let log = '';
    c.child.stdout!.on('data', (d: Buffer) => {
      log += d.toString();
    });
    const url = await new Promise<string>((resolve, reject) => {
      let buffered = '';
      const onData = (d: Buffer) => {
        buffered += d.toString();
        for (const line of buffered.split('\n').slice(0, -1)) {
          const entry = JSON.parse(line) as { event?: string; bound?: string };
          if (entry.event === 'listening' && entry.bound) {
            c.child.stdout!.off('data', onData);
            resolve(entry.bound);
            return;
          }
        }
        buffered = buffered.slice(buffered.lastIndexOf('\n') + 1);
      };
      c.child.stdout!.on('data', onData);
      void c.done.then((r) =>
        reject(new Error(`serve ${env['INSTANCE_ID']} exited ${r.code}: ${r.stdout}${r.stderr}`)),
      );
    });
    return { c, url, log: () => log };
  };

  return async (n: number, env: Record<string, string>): Promise<Fleet> => {
    const servers = await Promise.all(
      Array.from({ length: n }, async (_, i): Promise<FleetServer> => {
        const dir = tempDir(`verdicts-fleet-${i + 1}-`);
        const own = {
          ...env,
          INSTANCE_ID: `web-${i + 1}`,
          ISSUES_DIR: path.join(dir, 'issues'),
          OUTBOX_DIR: path.join(dir, 'outbox'),
        };
        let current = await startOne(own);
        const stop = async () => {
          current.c.child.kill('SIGTERM');
          return current.c.done;
        };
        return {
          instance: own.INSTANCE_ID,
          env: own,
          get url() {
            return current.url;
          },
          stop,
          async restart() {
            const stopped = await stop();
            current = await startOne(own);
            return stopped;
          },
          output: () => current.log(),
        };
      }),
    );
    let turn = 0;
    const next = () => servers[turn++ % servers.length]!;
    return {
      servers,
      next,
      async fetch(pathAndQuery, init = {}) {
        let lastError: unknown;
        for (let tries = 0; tries < servers.length * 2; tries++) {
          const s = next();
          try {
            return await fetch(s.url + pathAndQuery, { redirect: 'manual', ...init });
          } catch (e) {
            // Refused or reset before an answer: the proxy tries the next server.
            lastError = e;
            await new Promise((r) => setTimeout(r, 50));
          }
        }
        throw lastError;
      },
    };
  };
}
