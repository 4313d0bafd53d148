// What every route group gets: the injected deps plus the pieces built once per app.
import type { MiddlewareHandler } from 'hono';
import type { PublicDeps } from './deps.ts';
import type { LiveIssues } from './live-issues.ts';
import type { PendingExpiry } from './pending-expiry.ts';
import type { RateLimiter } from './rate-limit.ts';
import type { Site } from './site.ts';

export type PublicContext = {
  deps: PublicDeps;
  site: Site;
  live: LiveIssues;
  /** Shared by the subscribe form and the resubscribe button: both may send or activate. */
  subscribeLimiter: RateLimiter;
  /** Sign-ups per source per hour: what a flood can get from one source even with proofs. */
  signupHourLimiter: RateLimiter;
  csrf: MiddlewareHandler;
  /** Deletes never confirmed sign-ups whose link expired (run from the subscribe form). */
  pendingExpiry: PendingExpiry;
};
