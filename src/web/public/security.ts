// Headers and checks every public response gets: a CSP that allows no script (no page needs one
// but the sign-up proof page: PROOF_PAGE_CSP), no framing, no sniffing, no referrer (token URLs
// must not leak to other sites), and an Origin check on form POSTs against the public URL, not
// the address the proxy uses.
//
// On a developer's machine one server answers under several names (localhost, 127.0.0.1,
// [::1]), while every page's form and stylesheet point at PUBLIC_BASE_URL. A page shown under
// another name than the public one cannot post its forms: CSP form-action 'self' blocks them,
// and were it allowed, the browser would send the POST cross-site with `Origin: null` (the
// site's no-referrer policy), indistinguishable from a forged one. So a loopback site sends a
// page asked for under another loopback name to the same path at its public URL first.
import type { MiddlewareHandler } from 'hono';
import { csrf } from 'hono/csrf';
import { secureHeaders } from 'hono/secure-headers';

export const publicSecureHeaders = (): MiddlewareHandler => {
  const headers = secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'none'"],
      // The archived web pages carry their own <style> block and bar widths in style="".
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
    },
    xFrameOptions: 'DENY',
    referrerPolicy: 'no-referrer',
    xContentTypeOptions: 'nosniff',
  });
  // A page that set its own CSP (the proof page: PROOF_PAGE_CSP) keeps it.
  return async (c, next) => {
    let own: string | null = null;
    await headers(c, async () => {
      await next();
      own = c.res.headers.get('Content-Security-Policy');
    });
    if (own) c.res.headers.set('Content-Security-Policy', own);
  };
};

/** hono's csrf middleware: a cross-site form POST (Origin or Sec-Fetch-Site) gets 403. */
export const formCsrf = (publicBaseUrl: string): MiddlewareHandler =>
  csrf({ origin: new URL(publicBaseUrl).origin });

/** True for a host name (as URL.hostname gives it) that always means this machine. */
export const isLoopbackHost = (hostname: string): boolean =>
  hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);

/**
 * When PUBLIC_BASE_URL names a loopback host, a GET or HEAD that reached this server under
 * another loopback origin (http://127.0.0.1:3000 for http://localhost:3000) is redirected to
 * the same path and query at the public origin, where the page's forms and stylesheet are
 * same-origin. A public PUBLIC_BASE_URL gets nothing: its host is the proxy's business.
 * `except`: paths answered where they were asked (the health probes: a probe at 127.0.0.1
 * must see the status, not a redirect to a name it may not resolve).
 */
export function loopbackToPublicOrigin(
  publicBaseUrl: string,
  except: readonly string[] = [],
): MiddlewareHandler {
  const pub = new URL(publicBaseUrl);
  if (!isLoopbackHost(pub.hostname)) return (_c, next) => next();
  return async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return next();
    if (except.includes(c.req.path)) return next();
    const host = c.req.header('host');
    let asked: URL;
    try {
      asked = new URL(`${pub.protocol}//${host}`);
    } catch {
      return next();
    }
    if (!isLoopbackHost(asked.hostname) || asked.host === pub.host) return next();
    const url = new URL(c.req.url);
    return c.redirect(`${pub.origin}${url.pathname}${url.search}`, 307);
  };
}

/**
 * The CSP of the one page that asks for a proof of work (sign-up-proof.ts): the same as every
 * page's, plus this site's own scripts and workers (the altcha widget). No inline script, no
 * other origin.
 */
export const PROOF_PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "worker-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');
