// The preview shows unpublished drafts and local paths, so it answers only requests addressed
// to it by name. A DNS-rebinding page reaches 127.0.0.1 under its own host name (evil.example):
// the browser then treats the preview as same-origin with that page, and only the Host header
// gives it away. Applied to every route, GET included.
import type { MiddlewareHandler } from 'hono';
import { hostName, LOOPBACK_NAMES } from './local-only.ts';

/** `[::1]`-style brackets for an IPv6 literal, as it appears in a Host header. */
const asHostName = (host: string) =>
  host.includes(':') && !host.startsWith('[') ? `[${host}]` : host.toLowerCase();

export function allowedHostNames(boundHost: string | undefined): Set<string> {
  const names = new Set(LOOPBACK_NAMES);
  if (boundHost) names.add(asHostName(boundHost));
  return names;
}

/** 421 Misdirected Request for a Host that is not one of the preview's own names. */
export function hostGuard(boundHost: string | undefined): MiddlewareHandler {
  const allowed = allowedHostNames(boundHost);
  return async (c, next) => {
    const host = c.req.header('host') ?? '';
    if (allowed.has(hostName(host))) return next();
    return c.text(
      `This preview answers only to ${[...allowed].join(', ')}, not Host "${host}".\n`,
      421,
      { 'Cache-Control': 'no-store' },
    );
  };
}
