// The metrics port of `serve` and `schedule`: METRICS_PORT (or --metrics-port) set means a
// Prometheus endpoint, GET /metrics, on METRICS_HOST:port, apart from the public site; unset
// means none. Both commands build their metrics here, so names and labels stay one set.
import type { Command } from 'commander';
import type { Config } from '../config.ts';
import { VerdictsError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { createMetrics, type Metrics, type MetricsServer, startMetricsServer } from '../metrics.ts';

export type MetricsFlags = { metricsPort?: string };

export const withMetricsPort = (cmd: Command): Command =>
  cmd.option(
    '--metrics-port <n>',
    'serve Prometheus metrics at GET /metrics on this port (default: METRICS_PORT; unset: none)',
  );

/** The port to serve metrics on, or undefined for none. */
export function metricsPort(config: Config, flags: MetricsFlags): number | undefined {
  if (flags.metricsPort === undefined) return config.METRICS_PORT;
  const port = Number(flags.metricsPort);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new VerdictsError(
      'cli',
      'bad_port',
      `--metrics-port: not a port number: ${flags.metricsPort}`,
    );
  }
  return port;
}

export type MetricsEndpoint = { metrics: Metrics; server: MetricsServer };

/** Metrics for `role`, served when a port is set (the `listening` line says where). */
export async function startMetricsEndpoint(
  role: 'serve' | 'schedule',
  config: Config,
  flags: MetricsFlags,
  logger: Logger,
): Promise<MetricsEndpoint | undefined> {
  const port = metricsPort(config, flags);
  if (port === undefined) return undefined;
  const metrics = createMetrics({ role, instance: config.INSTANCE_ID });
  const server = await startMetricsServer(metrics, { port, host: config.METRICS_HOST });
  logger.info('metrics listening', { url: server.url });
  return { metrics, server };
}
