// The web-ingest bench's baseline, run as its own process (`node --import tsx` this file): the
// public server's own webhook and subscribe routes on the same framework and listener
// (hono, @hono/node-server through startPublicServer), with the same access log and headers,
// but no store. A webhook is verified by the project's verification function and answered
// 200 as if recorded; a subscribe passes the CSRF check, parses and validates the form and
// gets the same "check your inbox" page (and name cookie), as for an address already
// subscribed. What the real server does beyond this is its work with the database.
// Prints one JSON line `{"event":"listening","bound":url}` like `verdicts serve`.
import { Hono } from 'hono';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { accessLog } from '../../src/web/public/access-log.ts';
import type { PublicContext } from '../../src/web/public/context.ts';
import { DEFAULT_LIMITS, type PublicDeps } from '../../src/web/public/deps.ts';
import { subscribeRoutes } from '../../src/web/public/routes/subscribe.ts';
import { webhookRoutes } from '../../src/web/public/routes/webhooks.ts';
import { formCsrf, publicSecureHeaders } from '../../src/web/public/security.ts';
import { startPublicServer } from '../../src/web/public/server.ts';
import { createSite } from '../../src/web/public/site.ts';

const config = loadConfig(process.env);
const logger = createLogger({
  format: 'json',
  out: (line) => process.stdout.write(line),
  instance: config.INSTANCE_ID,
});
// The one unit of work each route opens, answered without a database.
const answer = (lock: string) =>
  lock.startsWith('webhook:') ? { outcome: 'recorded', suppressed: [] } : 'active';
const deps = {
  config,
  logger,
  now: () => new Date(),
  limits: DEFAULT_LIMITS,
  atomically: async (lock: string) => answer(lock),
  mail: { wake: () => {} },
} as unknown as PublicDeps;
const ctx = {
  deps,
  site: createSite(deps),
  subscribeLimiter: { hit: async () => true },
  signupHourLimiter: { hit: async () => true },
  pendingExpiry: { due: async () => {} },
  csrf: formCsrf(config.PUBLIC_BASE_URL),
} as unknown as PublicContext;

const app = new Hono();
app.use(accessLog(logger));
app.use(publicSecureHeaders());
app.route('/', subscribeRoutes(ctx));
app.route('/', webhookRoutes(ctx));

const server = await startPublicServer({ port: 0, host: '127.0.0.1', app });
logger.info('listening', { bound: server.url });
process.once('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
