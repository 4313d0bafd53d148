// The pure report: links classified by pair and tool, per-issue counts and rates, panel vs
// readers per pair, overall and per lens, and the preview's trend chart coordinates.
import { describe, expect, it } from 'vitest';
import type { Issue, PairScore, ToolScore } from '../../src/content/issue.ts';
import { classifyLink, normaliseLink } from '../../src/report/click-link.ts';
import type { IssueFigures } from '../../src/report/index.ts';
import { buildIssueReport } from '../../src/report/issue-report.ts';
import { panelVsReaders } from '../../src/report/panel-vs-readers.ts';
import { trendChart } from '../../src/web/preview/report-view.ts';

const tool = (id: string, shipShare: number): ToolScore => ({
  id,
  name: id.toUpperCase(),
  category: 'c',
  tagline: 't',
  description: 'd',
  entryPrice: 'Free',
  homepage: `https://${id}.example/`,
  ships: 0,
  reviews: 4,
  shipShare,
  shipPercent: Math.round(shipShare * 100),
  votes: 0,
  communityShare: null,
  communityPercent: null,
});
const LENSES = ['builder', 'skeptic', 'futurist', 'buyer'];
/** `verdicts[i]` is lens i's 'ship/skip' on [a, b]. */
const pair = (
  id: string,
  [a, b]: [string, string],
  shares: [number, number],
  verdicts: string[],
): PairScore => ({
  id,
  headline: `${a} vs ${b}`,
  publishedAt: '2026-11-20',
  tools: [tool(a, shares[0]), tool(b, shares[1])],
  split: verdicts.map((v, i) => {
    const [va, vb] = v.split('/') as ['ship' | 'skip', 'ship' | 'skip'];
    return {
      lensId: LENSES[i]!,
      lensName: LENSES[i]!,
      question: '?',
      verdicts: [
        { toolId: a, verdict: va, quote: 'q' },
        { toolId: b, verdict: vb, quote: 'q' },
      ],
    };
  }),
  totalVotes: 0,
  verdictLine: '',
});
const issue = (week: string, number: number, pairs: PairScore[]): Issue => ({
  week,
  number,
  cutoff: '2026-11-30T00:00:00.000Z',
  timeZone: 'UTC',
  pairs,
});
const empty = (): IssueFigures => ({
  sends: [],
  events: [],
  clickers: [],
  changes: [],
  votes: [],
  refusals: [],
});
const sent = (week: string, submitted: number, viaOutbox = 0) => ({
  week,
  status: 'sent' as const,
  finishedAt: '2026-11-30T09:00:00.000Z',
  recipients: submitted,
  submitted,
  refused: 0,
  viaOutbox,
});

describe('clicked links', () => {
  const w48 = issue('2026-W48', 1, [
    pair('a-vs-b', ['a', 'b'], [0.75, 0.25], ['ship/skip', 'ship/ship', 'skip/ship', 'ship/skip']),
  ]);
  it('drops the reader token and query from vote and unsubscribe links, keeps the rest', () => {
    expect(normaliseLink('https://v.example/vote/2026-W48/a-vs-b/a/5.0.sig?utm=x')).toBe(
      'https://v.example/vote/2026-W48/a-vs-b/a',
    );
    expect(normaliseLink('https://v.example/unsubscribe/5.0.sig?issue=2026-W48')).toBe(
      'https://v.example/unsubscribe',
    );
    expect(normaliseLink('https://v.example/issues/2026-W48/#a-vs-b')).toBe(
      'https://v.example/issues/2026-W48/#a-vs-b',
    );
    expect(normaliseLink('not a url')).toBe('not a url');
  });
  it('ties vote, panel and homepage links to their pair and tool', () => {
    expect(classifyLink('https://v.example/vote/2026-W48/a-vs-b/b', w48)).toEqual({
      kind: 'vote',
      pairId: 'a-vs-b',
      toolId: 'b',
    });
    expect(classifyLink('https://v.example/issues/2026-W48/#a-vs-b', w48)).toEqual({
      kind: 'panel',
      pairId: 'a-vs-b',
      toolId: null,
    });
    expect(classifyLink('https://a.example', w48)).toEqual({
      kind: 'homepage',
      pairId: 'a-vs-b',
      toolId: 'a',
    });
    expect(classifyLink('https://v.example/issues/2026-W48/', w48).kind).toBe('web');
    expect(classifyLink('https://v.example/vote/2026-W48/other/x', w48).kind).toBe('other');
    expect(classifyLink('https://v.example/unsubscribe', null).kind).toBe('unsubscribe');
  });
});

describe('an issue report', () => {
  it('counts unique readers, totals beside them, and rates as shares of delivered', () => {
    const f = empty();
    f.sends.push(sent('2026-W48', 10), sent('2026-W47', 99));
    f.events.push(
      { week: '2026-W48', type: 'email.delivered', detail: null, total: 8, readers: 8 },
      { week: '2026-W48', type: 'email.opened', detail: null, total: 9, readers: 4 },
      { week: '2026-W48', type: 'email.bounced', detail: 'hard', total: 1, readers: 1 },
      { week: '2026-W48', type: 'email.bounced', detail: 'soft', total: 2, readers: 1 },
      { week: '2026-W47', type: 'email.opened', detail: null, total: 50, readers: 50 },
    );
    f.changes.push({ week: '2026-W48', change: 'unsubscribed', readers: 2 });
    const r = buildIssueReport('2026-W48', f, null);
    expect(r).toMatchObject({
      via: 'resend',
      submitted: 10,
      delivered: 8,
      opened: 4,
      openedTotal: 9,
      bounced: 1,
      softBounced: 1,
      clicked: 0,
      unsubscribed: 2,
    });
    expect(r.rates).toEqual({ opened: 0.5, clicked: 0, complained: 0, unsubscribed: 0.25 });
  });
  it('an outbox issue has no event counts, not zeros', () => {
    const f = empty();
    f.sends.push(sent('2026-W48', 5, 5));
    const r = buildIssueReport('2026-W48', f, null);
    expect(r).toMatchObject({
      via: 'outbox',
      deliveryEvents: false,
      delivered: null,
      opened: null,
      bounced: null,
    });
    expect(r.rates.opened).toBeNull();
  });
});

describe('panel vs readers', () => {
  // Pair 1: the panel leads with a; readers pick a. Pair 2: the panel leads with c; readers pick d.
  // Builder ships a and c (skips the other): right on pair 1, wrong on 2. Futurist ships b and d:
  // wrong, right. Buyer ships a and d: right on both.
  const i1 = issue('2026-W47', 1, [
    pair('a-vs-b', ['a', 'b'], [0.75, 0.5], ['ship/skip', 'ship/ship', 'skip/ship', 'ship/skip']),
  ]);
  const i2 = issue('2026-W48', 2, [
    pair('c-vs-d', ['c', 'd'], [0.75, 0.25], ['ship/skip', 'skip/skip', 'skip/ship', 'skip/ship']),
  ]);
  const f = empty();
  f.sends.push(sent('2026-W48', 10), sent('2026-W47', 10));
  f.votes.push(
    { week: '2026-W47', pairId: 'a-vs-b', toolId: 'a', votes: 5 },
    { week: '2026-W47', pairId: 'a-vs-b', toolId: 'b', votes: 2 },
    { week: '2026-W48', pairId: 'c-vs-d', toolId: 'c', votes: 1 },
    { week: '2026-W48', pairId: 'c-vs-d', toolId: 'd', votes: 3 },
  );
  const reports = [buildIssueReport('2026-W48', f, i2), buildIssueReport('2026-W47', f, i1)];

  it('per pair: the favourite, the leader, whether they agree, each tool share', () => {
    expect(reports[1]!.votes[0]).toMatchObject({
      total: 7,
      panelLeader: 'a',
      communityFavourite: 'a',
      agrees: true,
    });
    expect(reports[0]!.votes[0]).toMatchObject({
      total: 4,
      panelLeader: 'c',
      communityFavourite: 'd',
      agrees: false,
    });
    expect(reports[0]!.votes[0]!.tools.map((t) => t.share)).toEqual([0.25, 0.75]);
  });
  it('overall and per lens, best predictor first', () => {
    const p = panelVsReaders(reports, [i1, i2]);
    expect(p.overall).toEqual({ pairs: 2, agreed: 1, share: 0.5 });
    expect(p.bestLenses).toEqual(['buyer']);
    expect(p.lenses.map((l) => [l.lensId, l.agreed, l.pairs])).toEqual([
      ['buyer', 2, 2],
      ['builder', 1, 2],
      ['futurist', 1, 2],
      ['skeptic', 0, 0],
    ]);
  });
  it('a tie in the votes is no favourite and counts nowhere', () => {
    const tie = empty();
    tie.sends.push(sent('2026-W48', 4));
    tie.votes.push(
      { week: '2026-W48', pairId: 'c-vs-d', toolId: 'c', votes: 2 },
      { week: '2026-W48', pairId: 'c-vs-d', toolId: 'd', votes: 2 },
    );
    const r = buildIssueReport('2026-W48', tie, i2);
    expect(r.votes[0]).toMatchObject({ communityFavourite: null, agrees: null });
    expect(panelVsReaders([r], [i2]).overall).toEqual({ pairs: 0, agreed: 0, share: null });
  });
});

describe('the trend chart', () => {
  it('plots the issues with events oldest first, a higher rate nearer the top, outbox issues left out', () => {
    const f = empty();
    f.sends.push(sent('2026-W48', 10), sent('2026-W47', 10, 10), sent('2026-W46', 10));
    for (const [week, opened] of [
      ['2026-W48', 2],
      ['2026-W46', 6],
    ] as const)
      f.events.push(
        { week, type: 'email.delivered', detail: null, total: 10, readers: 10 },
        { week, type: 'email.opened', detail: null, total: opened, readers: opened },
      );
    const reports = ['2026-W48', '2026-W47', '2026-W46'].map((w) => buildIssueReport(w, f, null));
    const chart = trendChart(reports);
    expect(chart.labels.map((l) => l.text)).toEqual(['W46', 'W48']);
    const [older, newer] = chart.opened.dots;
    expect(older!.y).toBeLessThan(newer!.y);
    expect(older!.x).toBeLessThan(newer!.x);
    expect(older!.label).toBe('2026-W46: 60%');
  });
});
