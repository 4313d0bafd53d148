// `verdicts serve`: the public site every email link points at (PUBLIC_BASE_URL). Runs until
// SIGINT/SIGTERM, then stops accepting, finishes what is in flight and closes the database.
import type { Command } from 'commander';
import { DEV_TOKEN_SECRET } from '../../config.ts';
import { VerdictsError } from '../../errors.ts';
import { createLogger, secretsOf } from '../../log.ts';
import { openPipeline } from '../../pipeline/index.ts';
import {
  createPublicApp,
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

const LOCAL = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/;

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
      if (config.TOKEN_SECRET === DEV_TOKEN_SECRET && !LOCAL.test(publicHost)) {
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
        const store = await pipeline.store();
        endpoint = await startMetricsEndpoint('serve', config, flags, logger);
        endpoint?.metrics.watchMailQueue(() => store.mailQueue.depth(new Date()));
        deps = publicDeps(config, store, transport, logger, {
          ...(endpoint ? { metrics: endpoint.metrics } : {}),
        });
        // Confirmations a previous run queued but did not send go out now, then on each wake.
        deps.mail.start();
        const server = await startPublicServer({
          port,
          host: flags.host ?? config.HOST,
          app: createPublicApp(deps),
        });
        logger.info('listening', {
          url: server.url,
          publicUrl: config.PUBLIC_BASE_URL,
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
