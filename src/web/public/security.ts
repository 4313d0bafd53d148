// Headers and checks every public response gets: a CSP that allows no script at all (the site
// needs none), no framing, no sniffing, no referrer (token URLs must not leak to other sites),
// and an Origin check on form POSTs against the public URL, not the address the proxy uses.
import type { MiddlewareHandler } from 'hono';
import { csrf } from 'hono/csrf';
import { secureHeaders } from 'hono/secure-headers';

export const publicSecureHeaders = (): MiddlewareHandler =>
  secureHeaders({
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

/** hono's csrf middleware: a cross-site form POST (Origin or Sec-Fetch-Site) gets 403. */
export const formCsrf = (publicBaseUrl: string): MiddlewareHandler =>
  csrf({ origin: new URL(publicBaseUrl).origin });
