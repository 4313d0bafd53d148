// The client's address for rate limiting. Behind a reverse proxy every request comes from the
// proxy, so with TRUST_PROXY the last X-Forwarded-For entry (the one our proxy appended) counts;
// earlier entries are whatever the client claimed and are ignored.
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

export function clientIp(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for');
    const last = forwarded?.split(',').at(-1)?.trim();
    if (last) return last;
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
