// An issue's report as the preview draws it: the funnel as bars, bounces and complaints, the
// votes per pair, and a small line chart of the last issues' open and click rates. Every
// number and coordinate is decided here; the template only places them in HTML and SVG.
import { type IssueReport, OPENS_CAVEAT, OUTBOX_NOTE } from '../../report/index.ts';

/** Issues the trend chart shows, this one included. */
export const TREND_ISSUES = 8;
const CHART = { width: 360, height: 140, left: 36, right: 12, top: 12, bottom: 28 };

const pct = (share: number | null) => (share === null ? '—' : `${Math.round(share * 1000) / 10}%`);
const widthOf = (n: number, of: number) => (of === 0 ? 0 : Math.round((n / of) * 1000) / 10);

/** Bars are shares of submitted; the percentages beside them follow the report's rule. */
function funnel(r: IssueReport) {
  const delivered = r.delivered === null || r.submitted === 0 ? null : r.delivered / r.submitted;
  const steps: [string, number | null, string][] = [
    ['Submitted', r.submitted, ''],
    ['Delivered', r.delivered, pct(delivered)],
    ['Opened', r.opened, pct(r.rates.opened)],
    ['Clicked', r.clicked, pct(r.rates.clicked)],
  ];
  return steps.map(([label, value, share]) => ({
    label,
    value: value ?? '—',
    width: widthOf(value ?? 0, r.submitted),
    share: value === null ? '' : share,
  }));
}

function trouble(r: IssueReport) {
  const rows: [string, number | null][] = [
    ['Hard bounces', r.bounced],
    ['Soft bounces', r.softBounced],
    ['Complaints', r.complained],
    ['Failed', r.failed],
    ['Suppressed by Resend', r.suppressed],
    ['Unsubscribed', r.unsubscribed],
    ['Suppressed by the soft-bounce rule', r.softBounceSuppressed],
  ];
  // Null is unknown (an outbox send has no delivery events), shown as the stats command
  // shows it, never as a 0 that reads like a fact.
  return rows.map(([label, value]) => ({
    label,
    value: value ?? '—',
    unknown: value === null,
    alarm: value !== null && value > 0,
  }));
}

function votes(r: IssueReport) {
  return r.votes.map((v) => ({
    headline: v.headline,
    total: v.total,
    tools: v.tools.map((t) => ({
      name: t.name,
      votes: t.votes,
      width: t.share === null ? 0 : Math.round(t.share * 1000) / 10,
      share: pct(t.share),
      favourite: t.toolId === v.communityFavourite,
      panelLeader: t.toolId === v.panelLeader,
    })),
    verdict:
      v.agrees === null
        ? v.total === 0
          ? 'No votes yet'
          : 'No clear favourite or panel leader'
        : v.agrees
          ? "Readers agree with the panel's leader"
          : "Readers disagree with the panel's leader",
  }));
}

/** Rates of the last issues with delivery events, oldest first, as SVG coordinates. */
export function trendChart(reports: readonly IssueReport[]) {
  const points = reports
    .filter((r) => r.deliveryEvents)
    .slice(0, TREND_ISSUES)
    .reverse();
  const { width, height, left, right, top, bottom } = CHART;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const max = Math.max(0.1, ...points.flatMap((r) => [r.rates.opened ?? 0, r.rates.clicked ?? 0]));
  const x = (i: number) =>
    left + (points.length === 1 ? plotW / 2 : (i * plotW) / (points.length - 1));
  const y = (share: number | null) => top + plotH - ((share ?? 0) / max) * plotH;
  const round = (n: number) => Math.round(n * 10) / 10;
  const series = (key: 'opened' | 'clicked') =>
    points.map((r, i) => ({
      x: round(x(i)),
      y: round(y(r.rates[key])),
      label: `${r.week}: ${pct(r.rates[key])}`,
    }));
  const line = (pts: { x: number; y: number }[]) => pts.map((p) => `${p.x},${p.y}`).join(' ');
  const opened = series('opened');
  const clicked = series('clicked');
  return {
    width,
    height,
    enough: points.length > 0,
    axis: { x1: left, x2: width - right, y: top + plotH, top, maxLabel: pct(max) },
    opened: { points: line(opened), dots: opened },
    clicked: { points: line(clicked), dots: clicked },
    labels: points.map((r, i) => ({ x: round(x(i)), y: height - 8, text: r.week.slice(5) })),
  };
}

/** `history` is every issue's report, newest first (this one among them). */
export function reportView(r: IssueReport, history: readonly IssueReport[]) {
  return {
    week: r.week,
    sent: r.status === 'sent',
    sending: r.status === 'sending',
    deliveryEvents: r.deliveryEvents,
    outboxNote: r.via === 'outbox' ? `This issue was ${OUTBOX_NOTE}.` : null,
    recipients: r.recipients,
    funnel: funnel(r),
    trouble: trouble(r),
    rates: { opened: pct(r.rates.opened), clicked: pct(r.rates.clicked) },
    opensCaveat: OPENS_CAVEAT,
    votes: votes(r),
    trend: trendChart(history.filter((h) => h.week <= r.week)),
  };
}
export type ReportView = ReturnType<typeof reportView>;
