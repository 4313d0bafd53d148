// Guard for anything that acts (sending a test): only from this machine, and only from the
// preview's own pages. The remote address stops other hosts when the preview was bound wider;
// the Host and Origin checks stop a web page in the editor's browser (CSRF, DNS rebinding).
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

export const LOOPBACK_NAMES: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

export const isLoopbackAddress = (addr: string | undefined) =>
  addr !== undefined && (addr === '::1' || /^127\./.test(addr) || /^::ffff:127\./i.test(addr));

/** The name part of a Host header (`[::1]:4000` -> `[::1]`), lower-cased. */
export const hostName = (host: string) => host.replace(/:\d+$/, '').toLowerCase();

/** null when the request may act; otherwise why not. */
export function localOnlyViolation(c: Context): string | null {
  let remote: string | undefined;
  try {
    remote = getConnInfo(c).remote.address;
  } catch {
    remote = undefined;
  }
  if (!isLoopbackAddress(remote)) return 'only this computer may send from the preview';
  const host = c.req.header('host') ?? '';
  if (!LOOPBACK_NAMES.has(hostName(host))) return `unexpected Host "${host}"`;
  const origin = c.req.header('origin');
  if (origin !== undefined && origin !== `http://${host}`)
    return `cross-origin request from ${origin}`;
  const site = c.req.header('sec-fetch-site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    return `cross-site request (${site})`;
  }
  return null;
}
