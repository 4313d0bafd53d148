// The page a broken, expired or out-of-date link gets: what happened and what to do instead.
import type { Context } from 'hono';
import type { Site } from '../site.ts';
import type { LinkProblem } from '../subscription.ts';

const TEXT: Record<LinkProblem, { heading: string; paragraphs: string[] }> = {
  invalid: {
    heading: 'This link does not work',
    paragraphs: [
      'It may have been cut short or changed when it was copied. Use the link from the email as it is.',
    ],
  },
  expired: {
    heading: 'This link has expired',
    paragraphs: [
      'Confirmation links work for 7 days. Subscribe again below and we will send a fresh one.',
    ],
  },
  stale: {
    heading: 'This link is out of date',
    paragraphs: ['You unsubscribed after it was sent. To subscribe again, use the form below.'],
  },
  suppressed: {
    heading: 'We cannot do that for this address',
    paragraphs: [
      'Mail to this address bounced or was reported as spam, so we no longer send to it.',
    ],
  },
  never_confirmed: {
    heading: 'This address was never confirmed',
    paragraphs: [
      'We cannot switch it back on without a confirmation. Subscribe with the form below and click the link we send.',
    ],
  },
  not_subscribed: {
    heading: 'Only subscribers can vote',
    paragraphs: [
      'This vote link belongs to an address that is no longer subscribed, so its vote is not counted. Subscribe again below to vote on the next issue.',
    ],
  },
};

const STATUS: Record<LinkProblem, 403 | 404 | 409 | 410> = {
  invalid: 404,
  expired: 410,
  stale: 410,
  suppressed: 410,
  never_confirmed: 409,
  not_subscribed: 403,
};

export const linkProblem = (site: Site, c: Context, problem: LinkProblem) =>
  site.message(c, STATUS[problem], {
    title: TEXT[problem].heading,
    ...TEXT[problem],
  });
