// Every public URL the product prints, built in one place so emails, pages and the server
// agree on the routes. Tokens come from tokens.ts; base is PUBLIC_BASE_URL.
import { idTokens, signToken } from './tokens.ts';

export type LinkContext = { baseUrl: string; secret: string };

const base = (ctx: LinkContext) => ctx.baseUrl.replace(/\/+$/, '');

export const routes = {
  home: '/',
  feed: '/feed.xml',
  issue: (week: string) => `/issues/${week}/`,
  subscribe: '/subscribe',
  confirm: (token: string) => `/confirm/${token}`,
  unsubscribe: (token: string) => `/unsubscribe/${token}`,
  preferences: (token: string) => `/preferences/${token}`,
  vote: (week: string, pairId: string, toolId: string, token: string) =>
    `/vote/${week}/${pairId}/${toolId}/${token}`,
  webhook: '/webhooks/resend',
} as const;

export const webVersionUrl = (ctx: LinkContext, week: string) => base(ctx) + routes.issue(week);

/** Unsubscribe links never expire: an opt-out must keep working long after the send. */
export const unsubscribeToken = (ctx: LinkContext, subscriberId: number) =>
  signToken(ctx.secret, { purpose: 'unsubscribe', subject: String(subscriberId), expiresAt: 0 });

/**
 * `week` names the issue the link was sent in (`?issue=`), so the report can count who left
 * through which issue; it is not part of the token, and a link without it still works.
 */
export const unsubscribeUrl = (ctx: LinkContext, subscriberId: number, week?: string) =>
  base(ctx) +
  routes.unsubscribe(unsubscribeToken(ctx, subscriberId)) +
  (week === undefined ? '' : `?issue=${week}`);

/**
 * unsubscribeUrl for one site and issue, as the List-Unsubscribe header's `<URL>` (the URL
 * itself is its slice(1, -1)): the sender's per-reader path, one string per reader.
 */
export function unsubscribeHeaders(ctx: LinkContext, week: string) {
  const prefix = base(ctx) + routes.unsubscribe('');
  const suffix = `?issue=${week}`;
  return idTokens(ctx.secret, 'unsubscribe', '', { before: `<${prefix}`, after: `${suffix}>` });
}

/** The reader's preference page: never expires, like the unsubscribe link beside it. */
export const preferencesToken = (ctx: LinkContext, subscriberId: number) =>
  signToken(ctx.secret, { purpose: 'preferences', subject: String(subscriberId), expiresAt: 0 });

export const preferencesUrl = (ctx: LinkContext, subscriberId: number) =>
  base(ctx) + routes.preferences(preferencesToken(ctx, subscriberId));

/** preferencesUrl for one site, per subscriber id: the sender's per-reader path. */
export const preferencesUrls = (ctx: LinkContext) =>
  idTokens(ctx.secret, 'preferences', '', {
    before: base(ctx) + routes.preferences(''),
    after: '',
  });

/**
 * One vote token per reader per issue (subject `<subscriberId>:<week>`), shared by every vote
 * link in that issue: the server checks the pair belongs to that week and the tool to the pair.
 * One HMAC per recipient instead of one per link keeps personalisation fast.
 */
export const voteToken = (ctx: LinkContext, subscriberId: number, week: string) =>
  signToken(ctx.secret, { purpose: 'vote', subject: `${subscriberId}:${week}`, expiresAt: 0 });

/** voteToken for one site and issue, per subscriber id: the sender's per-reader path. */
export const voteTokens = (ctx: LinkContext, week: string) =>
  idTokens(ctx.secret, 'vote', `:${week}`);

export const voteUrl = (
  ctx: LinkContext,
  week: string,
  pairId: string,
  toolId: string,
  token: string,
) => base(ctx) + routes.vote(week, pairId, toolId, token);

export const confirmUrl = (ctx: LinkContext, subscriberId: number, expiresAt: number) =>
  base(ctx) +
  routes.confirm(
    signToken(ctx.secret, { purpose: 'confirm', subject: String(subscriberId), expiresAt }),
  );

export const homeUrl = (ctx: LinkContext) => base(ctx) + routes.home;
export const feedUrl = (ctx: LinkContext) => base(ctx) + routes.feed;
export const subscribeUrl = (ctx: LinkContext) => base(ctx) + routes.subscribe;

/**
 * RFC 2919 List-Id: a label under the site's own host, so mail clients and filters can group
 * (and a reader can filter) every issue as one list however the subject changes.
 */
export const listId = (ctx: Pick<LinkContext, 'baseUrl'>) =>
  `<weekly-verdicts.${new URL(ctx.baseUrl).hostname}>`;
