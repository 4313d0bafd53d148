// The subscribe form: GET shows it (pre-filled from the query, escaped), POST stores a pending
// address and queues one confirmation (sent after the answer, within the caps). Every accepted POST gets the same "check your inbox" page,
// whether the address is new, pending, active or suppressed, so the form cannot be used to
// probe who subscribes. The name typed here is not stored (anyone can type one for any
// address): it goes back to this browser only, for its confirm page (name-cookie.ts).
// When the site's hourly cap of confirmations is spent, the form comes back asking for a proof
// of work (sign-up-proof.ts), whatever the address: a flood cannot starve a genuine reader.
import { type Context, Hono } from 'hono';
import { routes } from '../../../links.ts';
import { clientIp, sourceOf } from '../client-ip.ts';
import type { PublicContext } from '../context.ts';
import { nameCookieSettings, rememberSignupName } from '../name-cookie.ts';
import { PROOF_PAGE_CSP } from '../security.ts';
import {
  checkProof,
  PROOF_FIELD,
  type ProofCheck,
  proofChallenge,
  workFor,
} from '../sign-up-proof.ts';
import { requestConfirmation, validEmail } from '../subscription.ts';
import { PROOF_ASSETS } from './proof-assets.ts';

const field = (v: unknown) => (typeof v === 'string' ? v : '');

export function subscribeRoutes(ctx: PublicContext): Hono {
  const { deps, site } = ctx;
  const app = new Hono();
  const form = (email: string, name: string) => ({
    subscribeForm: { email: email.slice(0, 254), name: name.slice(0, 100) },
  });

  app.get(routes.subscribe, (c) =>
    site.page(c, 'subscribe', {
      title: 'Subscribe',
      problem: null,
      showSubscribeForm: false,
      ...form(field(c.req.query('email')), field(c.req.query('name'))),
    }),
  );

  /** The form again, with a challenge sized to the hour's load, under the page's own CSP. */
  const proofPage = async (c: Context, email: string, name: string, problem: string) => {
    const hourSince = new Date(deps.now().getTime() - 3600_000);
    const recent = await deps.mailQueue.countSince('confirm', hourSince);
    const work = workFor(recent, deps.limits.confirmPerHour);
    const challenge = await proofChallenge(deps.config.TOKEN_SECRET, deps.now(), work);
    c.header('Content-Security-Policy', PROOF_PAGE_CSP);
    return site.page(c, 'subscribe', {
      title: 'Subscribe',
      problem,
      showSubscribeForm: false,
      proof: {
        challenge: JSON.stringify(challenge),
        script: site.url(`${PROOF_ASSETS}/sign-up-proof.js`),
        css: site.url(`${PROOF_ASSETS}/altcha.css`),
      },
      ...form(email, name),
    });
  };

  app.post(routes.subscribe, ctx.csrf, async (c) => {
    const source = sourceOf(clientIp(c, deps.config.TRUST_PROXY));
    const now = deps.now();
    const limited = [
      [ctx.subscribeLimiter, 'Please wait a minute and try again.', deps.limits.windowMs],
      [ctx.signupHourLimiter, 'Please try again in an hour.', 3600_000],
    ] as const;
    for (const [limiter, wait, windowMs] of limited) {
      if (await limiter.hit(source, now)) continue;
      c.header('Retry-After', String(Math.ceil(windowMs / 1000)));
      return site.message(c, 429, {
        title: 'Too many requests',
        heading: 'Too many requests',
        paragraphs: [wait],
      });
    }
    await ctx.pendingExpiry.due();
    const body = await c.req.parseBody();
    const raw = { email: field(body['email']), name: field(body['name']) };
    // Only a bot fills the hidden field: it gets the usual answer and nothing is stored.
    if (field(body['website']) !== '') return checkInbox(c);
    const email = validEmail(raw.email);
    if (!email.ok) {
      return site.page(
        c,
        'subscribe',
        {
          title: 'Subscribe',
          problem: `That email address does not look right (${email.error}).`,
          showSubscribeForm: false,
          ...form(raw.email, raw.name),
        },
        400,
      );
    }
    const proof = await checkProof(
      deps.config.TOKEN_SECRET,
      field(body[PROOF_FIELD]),
      now,
      deps.rateLimits,
    );
    const outcome = await requestConfirmation(deps, email.value, { proven: proof === 'verified' });
    if (outcome === 'site_capped') {
      return proofPage(c, raw.email, raw.name, PROOF_PROBLEM[proof]);
    }
    rememberSignupName(c, nameCookieSettings(deps), email.value, raw.name, deps.now());
    return checkInbox(c);
  });

  const checkInbox = (c: Parameters<typeof site.message>[0]) =>
    site.message(c, 200, {
      title: 'Check your inbox',
      heading: 'Check your inbox',
      // They have just used the form: offering it again reads as if it had not worked.
      showSubscribeForm: false,
      paragraphs: [
        'If that address can receive the newsletter, a confirmation link is on its way. Click it to start getting the weekly comparison.',
        'Nothing there after a few minutes? Look in your spam folder, or try again later.',
      ],
    });

  return app;
}

const BUSY =
  'Many sign-ups are arriving right now, so this form asks your browser for a short check that it is not a robot (a few seconds of work, no data sent anywhere else).';
const PROOF_PROBLEM: Record<ProofCheck, string> = {
  missing: BUSY,
  verified: BUSY,
  invalid: `${BUSY} The check did not pass: please let it run again.`,
  expired: `${BUSY} The check had expired: please let it run again.`,
  spent: `${BUSY} That check was already used: please let it run again.`,
};
