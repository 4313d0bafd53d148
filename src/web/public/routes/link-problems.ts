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
};

export const linkProblem = (site: Site, c: Context, problem: LinkProblem) =>
  site.message(c, problem === 'invalid' ? 404 : 410, {
    title: TEXT[problem].heading,
    ...TEXT[problem],
  });
