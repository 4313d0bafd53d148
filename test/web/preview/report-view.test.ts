// The preview's report says "unknown" where the stats command does: an issue sent to the
// outbox has no delivery events, so its bounces, complaints, failures and Resend suppressions
// are unknown, not 0 (its banner says so; the rows must not contradict it).
import { describe, expect, it } from 'vitest';
import type { IssueReport } from '../../../src/report/index.ts';
import { reportView } from '../../../src/web/preview/report-view.ts';

const outboxReport: IssueReport = {
  week: '2026-W48',
  number: 1,
  status: 'sent',
  finishedAt: '2026-11-30T09:00:00.000Z',
  via: 'outbox',
  deliveryEvents: false,
  recipients: 25,
  submitted: 25,
  refused: 0,
  refusals: [],
  delivered: null,
  delayed: null,
  bounced: null,
  softBounced: null,
  complained: null,
  failed: null,
  suppressed: null,
  opened: null,
  openedTotal: null,
  clicked: null,
  clickedTotal: null,
  unsubscribed: 1,
  softBounceSuppressed: 0,
  rates: { opened: null, clicked: null, complained: null, unsubscribed: 0.04 },
  links: [],
  clicksByPair: [],
  votes: [],
};

describe('the preview report on an outbox send', () => {
  it('shows unknown event counts as —, and the counts it knows as numbers', () => {
    const view = reportView(outboxReport, [outboxReport]);
    const rows = Object.fromEntries(view.trouble.map((t) => [t.label, t.value]));
    expect(rows).toEqual({
      'Hard bounces': '—',
      'Soft bounces': '—',
      Complaints: '—',
      Failed: '—',
      'Suppressed by Resend': '—',
      Unsubscribed: 1,
      'Suppressed by the soft-bounce rule': 0,
    });
    expect(view.trouble.filter((t) => t.unknown).length).toBe(5);
    // Unknown is never an alarm; a known count above zero is.
    expect(view.trouble.filter((t) => t.alarm).map((t) => t.label)).toEqual(['Unsubscribed']);
  });

  it('shows the counts of a Resend send as numbers', () => {
    const resend = {
      ...outboxReport,
      via: 'resend' as const,
      deliveryEvents: true,
      bounced: 0,
      softBounced: 2,
      complained: 0,
      failed: 0,
      suppressed: 0,
    };
    const view = reportView(resend, [resend]);
    expect(view.trouble.map((t) => t.value)).toEqual([0, 2, 0, 0, 0, 1, 0]);
  });
});
