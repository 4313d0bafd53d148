// The subscribe form: GET shows it (pre-filled from the query, escaped), POST stores a pending
// address and queues one confirmation (sent after the answer, within the caps). Every accepted POST gets the same "check your inbox" page,
// whether the address is new, pending, active or suppressed, so the form cannot be used to
// probe who subscribes. The name typed here is not stored (anyone can type one for any
// address): it goes back to this browser only, for its confirm page (name-cookie.ts).
import { Hono } from 'hono';
import { routes } from '../../../links.ts';
import { clientIp } from '../client-ip.ts';
import type { PublicContext } from '../context.ts';
import { nameCookieSettings, rememberSignupName } from '../name-cookie.ts';
import { requestConfirmation, validEmail } from '../subscription.ts';

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

  app.post(routes.subscribe, ctx.csrf, async (c) => {
    if (!(await ctx.subscribeLimiter.hit(clientIp(c, deps.config.TRUST_PROXY), deps.now()))) {
      c.header('Retry-After', String(Math.ceil(deps.limits.windowMs / 1000)));
      return site.message(c, 429, {
        title: 'Too many requests',
        heading: 'Too many requests',
        paragraphs: ['Please wait a minute and try again.'],
      });
    }
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
    await requestConfirmation(deps, email.value);
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
