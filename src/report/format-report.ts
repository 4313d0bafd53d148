// The report as text for a terminal: one issue in full, or every issue as one row each
// (newest first) so a trend shows, then panel vs readers. Pure: reports in, text out.
import { type IssueReport, OPENS_CAVEAT, OUTBOX_NOTE } from './issue-report.ts';
import type { PanelVsReaders } from './panel-vs-readers.ts';

const pct = (share: number | null) => (share === null ? '—' : `${(share * 100).toFixed(1)}%`);
const n = (v: number | null) => (v === null ? '—' : String(v));
const plural = (count: number, one: string, many = `${one}s`) =>
  `${count} ${count === 1 ? one : many}`;

const VIA = { resend: 'Resend', outbox: 'the outbox', mixed: 'Resend and the outbox', none: '—' };

function heading(r: IssueReport): string {
  const number = r.number === null ? '' : ` (issue #${r.number})`;
  const when =
    r.status === 'sent'
      ? `sent ${r.finishedAt?.slice(0, 16).replace('T', ' ') ?? ''} UTC`
      : r.status;
  return `${r.week}${number}, ${when} via ${VIA[r.via]}`;
}

export function formatIssueReport(r: IssueReport): string {
  const refused = r.refused > 0 ? ` · refused ${r.refused}` : '';
  const out = [heading(r), `  recipients ${r.recipients} · submitted ${r.submitted}${refused}`];
  for (const x of r.refusals) {
    out.push(
      `    refused by the provider: ${plural(x.readers, 'reader')}: ${x.message || '(no reason given)'}`,
    );
  }
  if (!r.deliveryEvents) {
    out.push(`  ${r.via === 'outbox' ? OUTBOX_NOTE : 'nothing submitted yet, no delivery events'}`);
  } else {
    out.push(
      `  delivered ${n(r.delivered)} · delayed ${n(r.delayed)} · bounced ${n(r.bounced)} (hard) · soft-bounced ${n(r.softBounced)} · complained ${n(r.complained)} · failed ${n(r.failed)} · suppressed by Resend ${n(r.suppressed)}`,
      `  opened ${n(r.opened)} readers (${n(r.openedTotal)} opens) ${pct(r.rates.opened)} · clicked ${n(r.clicked)} readers (${n(r.clickedTotal)} clicks) ${pct(r.rates.clicked)} · complaints ${pct(r.rates.complained)}`,
    );
  }
  out.push(
    `  unsubscribed through this issue ${r.unsubscribed}${r.deliveryEvents ? ` (${pct(r.rates.unsubscribed)})` : ''} · suppressed by the soft-bounce rule ${r.softBounceSuppressed}`,
  );
  if (r.deliveryEvents) out.push('  Rates are shares of delivered.', `  ${OPENS_CAVEAT}`);
  if (r.deliveryEvents && r.links.length > 0) {
    out.push('', 'Clicks by pair and tool');
    for (const p of r.clicksByPair) {
      const tools = p.tools.map((t) => `${t.name} ${t.clicks}`).join(' · ');
      out.push(`  ${p.headline}: ${plural(p.clicks, 'click')} (${tools})`);
    }
    out.push('Links');
    for (const l of r.links)
      out.push(
        `  ${l.link}  ${l.kind}  ${plural(l.clicks, 'click')}, ${plural(l.readers, 'reader')}`,
      );
  }
  if (r.votes.length > 0) out.push('', 'Votes (readers vs panel)');
  for (const v of r.votes) {
    const tools = v.tools.map((t) => `${t.name} ${t.votes} (${pct(t.share)})`).join(' · ');
    const name = (id: string | null) => v.tools.find((t) => t.toolId === id)?.name ?? 'a tie';
    const verdict =
      v.communityFavourite === null
        ? 'no favourite yet'
        : `readers pick ${name(v.communityFavourite)}, the panel leads with ${name(v.panelLeader)}${v.agrees === null ? '' : v.agrees ? ': agree' : ': disagree'}`;
    out.push(`  ${v.headline}: ${plural(v.total, 'vote')}: ${tools}; ${verdict}`);
  }
  return `${out.join('\n')}\n`;
}

const COLUMNS = [
  ['week', (r: IssueReport) => r.week],
  ['#', (r: IssueReport) => n(r.number)],
  ['via', (r: IssueReport) => r.via],
  ['recipients', (r: IssueReport) => String(r.recipients)],
  ['refused', (r: IssueReport) => String(r.refused)],
  ['delivered', (r: IssueReport) => n(r.delivered)],
  ['bounced', (r: IssueReport) => n(r.bounced)],
  ['soft', (r: IssueReport) => n(r.softBounced)],
  ['complained', (r: IssueReport) => n(r.complained)],
  ['opened', (r: IssueReport) => n(r.opened)],
  ['open%', (r: IssueReport) => pct(r.rates.opened)],
  ['clicked', (r: IssueReport) => n(r.clicked)],
  ['click%', (r: IssueReport) => pct(r.rates.clicked)],
  ['unsub', (r: IssueReport) => String(r.unsubscribed)],
  ['votes', (r: IssueReport) => String(r.votes.reduce((s, v) => s + v.total, 0))],
] as const;

export function formatReportTable(reports: readonly IssueReport[], pvr: PanelVsReaders): string {
  if (reports.length === 0) return 'No issue has been sent yet.\n';
  const rows = [COLUMNS.map(([h]) => h), ...reports.map((r) => COLUMNS.map(([, f]) => f(r)))];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const cell = (c: string, i: number) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!));
  const lines = rows.map((row) => row.map(cell).join('  ').trimEnd());
  const out = [...lines, ''];
  if (reports.some((r) => r.via === 'outbox'))
    out.push(`— for an issue ${OUTBOX_NOTE}; its counts are not zero, they are unknown.`);
  out.push('Rates are shares of delivered.', OPENS_CAVEAT, '', 'Panel vs readers');
  const o = pvr.overall;
  out.push(
    o.pairs === 0
      ? '  no pair has both a panel leader and a readers’ favourite yet'
      : `  readers agreed with the panel's leader on ${o.agreed} of ${plural(o.pairs, 'pair')} (${pct(o.share)})`,
  );
  for (const l of pvr.lenses)
    out.push(
      `  ${l.lensName}: picked the readers' favourite in ${l.agreed} of ${plural(l.pairs, 'pair')} (${pct(l.share)})${pvr.bestLenses.includes(l.lensId) ? '  ← predicts readers best' : ''}`,
    );
  return `${out.join('\n')}\n`;
}
