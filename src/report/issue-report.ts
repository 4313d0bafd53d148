// One issue's report, from its figures (store/issue-stats.ts) and its archived data: pure,
// no I/O. Counts of readers are unique readers; `…Total` beside them counts events. Rates are
// shares of `delivered`. An issue sent to the outbox has no delivery events, so its event
// counts are null, never zeros that look like facts.
import type { Issue } from '../content/index.ts';
import { classifyLink, type LinkKind } from './click-link.ts';
import type { IssueFigures } from './figures.ts';
import { type PairVotes, pairVotes, share } from './pair-votes.ts';

export type { PairVotes, ToolVotes } from './pair-votes.ts';

export type Via = 'resend' | 'outbox' | 'mixed' | 'none';

export type LinkClicks = {
  link: string;
  kind: LinkKind;
  pairId: string | null;
  toolId: string | null;
  clicks: number;
  readers: number;
};
export type PairClicks = {
  pairId: string;
  headline: string;
  clicks: number;
  tools: { toolId: string; name: string; clicks: number }[];
};
export type IssueReport = {
  week: string;
  number: number | null;
  /** `sending` while the ledger still has open batches. */
  status: 'sending' | 'sent' | 'not_sent';
  finishedAt: string | null;
  via: Via;
  deliveryEvents: boolean;
  recipients: number;
  submitted: number;
  /** Readers the provider refused one by one (never sent, not retried), and why. */
  refused: number;
  refusals: { message: string; readers: number }[];
  delivered: number | null;
  delayed: number | null;
  bounced: number | null;
  softBounced: number | null;
  complained: number | null;
  failed: number | null;
  suppressed: number | null;
  opened: number | null;
  openedTotal: number | null;
  clicked: number | null;
  clickedTotal: number | null;
  unsubscribed: number;
  softBounceSuppressed: number;
  rates: {
    opened: number | null;
    clicked: number | null;
    complained: number | null;
    unsubscribed: number | null;
  };
  links: LinkClicks[];
  clicksByPair: PairClicks[];
  votes: PairVotes[];
};

export const OPENS_CAVEAT =
  'Opens are inflated by Apple Mail Privacy Protection (it fetches every image, so its readers all count as opening) and blocked by clients that do not load images: read them as a trend, not a count.';
export const OUTBOX_NOTE = 'sent to the outbox, no delivery events';

const viaOf = (submitted: number, viaOutbox: number): Via =>
  submitted === 0
    ? 'none'
    : viaOutbox === submitted
      ? 'outbox'
      : viaOutbox === 0
        ? 'resend'
        : 'mixed';

/** `figures` may hold other weeks too (one query for all issues): only `week`'s rows count. */
export function buildIssueReport(
  week: string,
  figures: IssueFigures,
  issue: Issue | null,
): IssueReport {
  const send = figures.sends.find((s) => s.week === week);
  const events = figures.events.filter((e) => e.week === week);
  const recipients = send?.recipients ?? 0;
  const submitted = send?.submitted ?? 0;
  const via = viaOf(submitted, send?.viaOutbox ?? 0);
  const deliveryEvents = via !== 'outbox' && via !== 'none';
  const sum = (type: string, field: 'readers' | 'total', detail?: string) =>
    deliveryEvents
      ? events
          .filter((e) => e.type === type && (detail === undefined || e.detail === detail))
          .reduce((n, e) => n + e[field], 0)
      : null;
  const change = (c: string) =>
    figures.changes.find((x) => x.week === week && x.change === c)?.readers ?? 0;

  const links: LinkClicks[] = events
    .filter((e) => e.type === 'email.clicked' && e.detail !== null)
    .map((e) => {
      const link = e.detail!;
      return { link, ...classifyLink(link, issue), clicks: e.total, readers: e.readers };
    })
    .sort((a, b) => b.clicks - a.clicks || a.link.localeCompare(b.link));
  const clicksByPair = (issue?.pairs ?? []).map((p) => ({
    pairId: p.id,
    headline: p.headline,
    clicks: links.filter((l) => l.pairId === p.id).reduce((n, l) => n + l.clicks, 0),
    tools: p.tools.map((t) => ({
      toolId: t.id,
      name: t.name,
      clicks: links
        .filter((l) => l.pairId === p.id && l.toolId === t.id)
        .reduce((n, l) => n + l.clicks, 0),
    })),
  }));
  const votes = (issue?.pairs ?? []).map((p) => {
    const counts = new Map(
      figures.votes
        .filter((v) => v.week === week && v.pairId === p.id)
        .map((v) => [v.toolId, v.votes]),
    );
    return pairVotes(p, counts);
  });

  const delivered = sum('email.delivered', 'readers');
  const opened = sum('email.opened', 'readers');
  const clicked = deliveryEvents
    ? (figures.clickers.find((c) => c.week === week)?.readers ?? 0)
    : null;
  const complained = sum('email.complained', 'readers');
  const unsubscribed = change('unsubscribed');
  return {
    week,
    number: issue?.number ?? null,
    status: send?.status ?? 'not_sent',
    finishedAt: send?.finishedAt ?? null,
    via,
    deliveryEvents,
    recipients,
    submitted,
    refused: send?.refused ?? 0,
    refusals: figures.refusals
      .filter((x) => x.week === week)
      .map(({ message, readers }) => ({ message, readers }))
      .sort((a, b) => b.readers - a.readers || (a.message < b.message ? -1 : 1)),
    delivered,
    delayed: sum('email.delivery_delayed', 'readers'),
    bounced: sum('email.bounced', 'readers', 'hard'),
    softBounced: sum('email.bounced', 'readers', 'soft'),
    complained,
    failed: sum('email.failed', 'readers'),
    suppressed: sum('email.suppressed', 'readers'),
    opened,
    openedTotal: sum('email.opened', 'total'),
    clicked,
    clickedTotal: sum('email.clicked', 'total'),
    unsubscribed,
    softBounceSuppressed: change('soft_bounce_suppressed'),
    rates: {
      opened: share(opened, delivered),
      clicked: share(clicked, delivered),
      complained: share(complained, delivered),
      unsubscribed: deliveryEvents ? share(unsubscribed, delivered) : null,
    },
    links,
    clicksByPair,
    votes,
  };
}
