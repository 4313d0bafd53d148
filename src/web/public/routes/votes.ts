// Community votes from the email's links: one token per reader per issue (subject
// `<subscriberId>:<week>`); the pair must be in that week's archived issue and the tool in the
// pair. GET shows the pair and asks; POST records (one vote per reader per pair, changeable).
import { type Context, Hono } from 'hono';
import type { PairScore } from '../../../content/index.ts';
import { routes, webVersionUrl } from '../../../links.ts';
import { communityText, weekLabel } from '../../../render/index.ts';
import { err, ok, type Result } from '../../../result.ts';
import { verifyToken } from '../../../tokens.ts';
import type { PublicContext } from '../context.ts';
import { linkProblem } from './link-problems.ts';

type Ballot = {
  subscriberId: number;
  week: string;
  pair: PairScore;
  toolId: string;
  token: string;
};

export function voteRoutes(ctx: PublicContext): Hono {
  const { deps, site, live } = ctx;
  const app = new Hono();

  const ballot = async (c: Context): Promise<Result<Ballot, 'invalid' | 'not_subscribed'>> => {
    const { week = '', pairId, toolId = '', token = '' } = c.req.param();
    const v = verifyToken(deps.config.TOKEN_SECRET, 'vote', token, deps.now());
    if (!v.ok) return err('invalid');
    const [id, tokenWeek] = v.value.subject.split(':');
    const subscriberId = Number(id);
    if (tokenWeek !== week || !Number.isSafeInteger(subscriberId)) return err('invalid');
    const reader = await deps.subscribers.getById(subscriberId);
    if (!reader) return err('invalid');
    const pair = (await live.issue(week))?.pairs.find((p) => p.id === pairId);
    if (!pair?.tools.some((t) => t.id === toolId)) return err('invalid');
    // The token outlives the subscription: a reader who left no longer votes (nor do bounces).
    if (reader.status !== 'active') return err('not_subscribed');
    return ok({ subscriberId, week, pair, toolId, token });
  };

  const page = async (c: Context, b: Ballot, thanks: boolean) => {
    const issue = await live.issue(b.week);
    const pair = (await live.withLiveVotes({ ...issue!, pairs: [b.pair] })).pairs[0]!;
    const tools = pair.tools.map((t) => ({
      name: t.name,
      tagline: t.tagline,
      communityLabel: communityText(t.communityPercent),
      votesLabel: t.votes === 1 ? '1 vote' : `${t.votes} votes`,
      isChosen: t.id === b.toolId,
      action: site.url(routes.vote(b.week, pair.id, t.id, b.token)),
    }));
    return site.page(c, 'vote', {
      title: `Vote: ${pair.tools[0].name} vs ${pair.tools[1].name}`,
      weekLabel: weekLabel(b.week, issue!.timeZone),
      pair: { title: `${pair.tools[0].name} vs ${pair.tools[1].name}`, tools },
      chosen: { name: pair.tools.find((t) => t.id === b.toolId)!.name },
      thanks,
      // The voter is a subscriber: neither this page nor the web version offers the form again.
      showSubscribeForm: false,
      issueUrl: `${webVersionUrl(site.links, b.week)}?reader#${pair.id}`,
    });
  };

  const path = '/vote/:week/:pairId/:toolId/:token';

  app.get(path, async (c) => {
    const b = await ballot(c);
    return b.ok ? page(c, b.value, false) : linkProblem(site, c, b.error);
  });

  app.post(path, ctx.csrf, async (c) => {
    const b = await ballot(c);
    if (!b.ok) return linkProblem(site, c, b.error);
    const { subscriberId, pair, toolId, week } = b.value;
    await deps.votes.cast({ subscriberId, pairId: pair.id, toolId, week, now: deps.now() });
    deps.logger.info('vote recorded', { subscriberId, week, pairId: pair.id, toolId });
    return page(c, b.value, true);
  });

  return app;
}
