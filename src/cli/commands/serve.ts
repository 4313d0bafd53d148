// `verdicts serve`: the public site every email link points at (PUBLIC_BASE_URL). Runs until
// SIGINT/SIGTERM, then stops accepting, finishes what is in flight and closes the database.
import type { Command } from 'commander';
import { DEV_TOKEN_SECRET } from '../../config.ts';
import { listenFailed, VerdictsError } from '../../errors.ts';
import { createLogger, secretsOf } from '../../log.ts';
import { openPipeline } from '../../pipeline/index.ts';
import {
  createPublicApp,
  isLoopbackHost,
  type PublicDeps,
  publicDeps,
  startPublicServer,
} from '../../web/public/index.ts';
import { type CliIo, type PathFlags, resolveConfig, withDb, withIssues } from '../context.ts';
import {
  type MetricsEndpoint,
  type MetricsFlags,
  startMetricsEndpoint,
  withMetricsPort,
} from '../metrics-endpoint.ts';

type Flags = PathFlags & MetricsFlags & { port?: string; host?: string };

/** Bind addresses a browser on this machine reaches under any loopback name. */
const REACHABLE_AS_LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|::1|\[::1\]|0\.0\.0\.0|::|\[::\])$/;

/**
 * Where the site is shown. A loopback PUBLIC_BASE_URL follows the port really listened on
 * (`--port 0`, or a --port other than the URL's), and the URL printed is that public URL when
 * the bind address is reachable under its name, so the page, its forms and its stylesheet
 * share one origin. Otherwise the public URL is as set, and `mismatch` says why pages opened
 * at the listening address will not work.
 */
export function siteAddress(
  publicBaseUrl: string,
  bindHost: string,
  listenUrl: string,
): { publicBaseUrl: string; shownUrl: string; mismatch?: string } {
  const pub = new URL(publicBaseUrl);
  const listen = new URL(listenUrl);
  if (isLoopbackHost(pub.hostname) && REACHABLE_AS_LOOPBACK.test(bindHost)) {
    pub.port = listen.port;
    const followed = pub.href.replace(/\/$/, publicBaseUrl.endsWith('/') ? '/' : '');
    return { publicBaseUrl: followed, shownUrl: pub.origin };
  }
  if (pub.origin === listen.origin) return { publicBaseUrl, shownUrl: listenUrl };
  return {
    publicBaseUrl,
    shownUrl: listenUrl,
    mismatch: `pages opened at ${listenUrl} cannot subscribe, vote or load their stylesheet: they point at PUBLIC_BASE_URL=${publicBaseUrl} and the browser refuses another origin; open ${publicBaseUrl} (through your proxy), or to try the site on this machine set PUBLIC_BASE_URL=http://localhost:${listen.port} and HOST=127.0.0.1`,
  };
}

export function registerServe(program: Command, io: CliIo): void {
  withMetricsPort(withDb(withIssues(program.command('serve'))))
    .description(
      'run the public site: archive, feed, subscribe, confirm, unsubscribe, votes, webhooks',
    )
    .option('--port <n>', 'port to listen on (default: PORT or 3000; 0 picks a free one)')
    .option('--host <address>', 'address to bind (default: HOST or 127.0.0.1)')
    .action(async (flags: Flags) => {
      const config = resolveConfig(io, flags);
      const port = flags.port === undefined ? config.PORT : Number(flags.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new VerdictsError('cli', 'bad_port', `--port: not a port number: ${flags.port}`);
      const publicHost = new URL(config.PUBLIC_BASE_URL).hostname;
      // Anyone who knows the development secret can forge unsubscribe and vote links.
      if (config.TOKEN_SECRET === DEV_TOKEN_SECRET && !isLoopbackHost(publicHost)) {
        throw new VerdictsError(
          'web',
          'dev_token_secret',
          `TOKEN_SECRET is the development default but PUBLIC_BASE_URL (${config.PUBLIC_BASE_URL}) is not local: set a long random TOKEN_SECRET`,
        );
      }
      const logger = createLogger({
        format: 'json',
        out: io.stdout,
        err: io.stderr,
        secrets: secretsOf(config),
        instance: config.INSTANCE_ID,
      });
      if (!config.RESEND_WEBHOOK_SECRET)
        logger.warn('RESEND_WEBHOOK_SECRET is not set: /webhooks/resend answers 503', {});

      const pipeline = openPipeline(config);
      let deps: PublicDeps | undefined;
      let endpoint: MetricsEndpoint | undefined;
      try {
        const transport = pipeline.transport();
        // Opened before listening: a database that cannot open fails the command, one line.
        const store = await pipeline.store();
        endpoint = await startMetricsEndpoint('serve', config, flags, logger);
        endpoint?.metrics.watchMailQueue(() => store.mailQueue.depth(new Date()));
        const metrics = endpoint ? { metrics: endpoint.metrics } : {};
        const host = flags.host ?? config.HOST;
        let site: ReturnType<typeof siteAddress> | undefined;
        const server = await startPublicServer({
          port,
          host,
          // Built once the port is known: a loopback PUBLIC_BASE_URL follows the picked port.
          app: (listenUrl) => {
            site = siteAddress(config.PUBLIC_BASE_URL, host, listenUrl);
            deps = publicDeps(
              { ...config, PUBLIC_BASE_URL: site.publicBaseUrl },
              store,
              transport,
              logger,
              metrics,
            );
            // Confirmations a previous run queued but did not send go out now, then on each wake.
            deps.mail.start();
            return createPublicApp(deps);
          },
        }).catch((e: unknown) => {
          throw listenFailed(e, host, port, 'PORT');
        });
        if (!site) throw new Error('serve: the app was not built on listening');
        if (site.publicBaseUrl !== config.PUBLIC_BASE_URL)
          logger.warn(
            `PUBLIC_BASE_URL names port ${new URL(config.PUBLIC_BASE_URL).port || 'default'}, but serve listens on ${server.port}: pages and confirmation links use ${site.publicBaseUrl}`,
            {},
          );
        if (site.mismatch) logger.warn(site.mismatch, {});
        logger.info('listening', {
          url: site.shownUrl,
          bound: server.url,
          publicUrl: site.publicBaseUrl,
          transport: transport.name,
        });
        await aborted(io.signal);
        // Stop accepting; requests in flight finish (cut off after 5 s).
        logger.info('stopping', {});
        await server.close();
      } finally {
        // A send in flight is aborted and its row queued again, due at once, for the next start.
        await deps?.mail.stop();
        await endpoint?.server.close();
        await pipeline.close();
      }
    });
}

const aborted = (signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
