// One JSON line per request: method, path with tokens masked, status, duration. No query
// strings, no bodies, no addresses: a token in a log is as good as the link it came from.
import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../../log.ts';

const TOKEN_PATHS: [RegExp, string][] = [
  [/^\/(confirm|unsubscribe)\/[^/]+/, '/$1/:token'],
  [/^\/vote\/([^/]+)\/([^/]+)\/([^/]+)\/[^/]+/, '/vote/$1/$2/$3/:token'],
];

export function maskPath(path: string): string {
  for (const [re, replacement] of TOKEN_PATHS)
    if (re.test(path)) return path.replace(re, replacement);
  return path;
}

export const accessLog =
  (logger: Logger): MiddlewareHandler =>
  async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      logger.info('request', {
        method: c.req.method,
        path: maskPath(c.req.path),
        status: c.res.status,
        ms: Math.round(performance.now() - started),
      });
    }
  };
