// The lines an operator reads at the end of a send: one summary line (sent, skipped, failed,
// uncertain, refused, elapsed, rate, and which addresses the provider refused and why) and,
// when the run did not finish, why and what to do next. A refused address does not leave the
// send unfinished: the provider took the rest of its batch, and sending it again cannot help.
import type { SendReport } from './sender-types.ts';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

export function summaryLine(r: SendReport): string {
  const { summary: s, run } = r;
  const rate = run.elapsedMs > 0 ? (run.sent / run.elapsedMs) * 1000 : 0;
  return (
    `${r.week}: sent ${s.sent}, skipped ${s.skipped}, failed ${s.failed}, uncertain ${s.uncertain}` +
    (s.refused > 0 ? `, refused ${s.refused}` : '') +
    (s.pending > 0 ? `, not yet sent ${s.pending}` : '') +
    ` of ${s.recipients}; elapsed ${seconds(run.elapsedMs)}, rate ${rate.toFixed(1)} msgs/s` +
    ` (this run: ${run.sent} sent in ${run.requests} requests)` +
    refusedList(r)
  );
}

/** `; refused by the provider: a@x.example (its reason), …and N more`, or nothing. */
function refusedList({ summary, refusals }: SendReport): string {
  if (summary.refused === 0) return '';
  const named = refusals.map(
    (x) => `${x.email || '(forgotten)'} (${x.message || 'no reason given'})`,
  );
  const more = summary.refused - refusals.length;
  if (more > 0) named.push(`…and ${more} more`);
  return `; refused by the provider: ${named.join(', ')}`;
}

/** Why the run is not complete, one line each; empty when it is. */
export function problemLines(r: SendReport): string[] {
  if (r.complete) return [];
  const lines: string[] = [];
  if (r.stopped) lines.push(`stopped: ${r.stopped.message}`);
  for (const f of r.failed) lines.push(`batch ${f.batchNo} failed: ${f.error}`);
  if (r.summary.uncertain > 0) {
    lines.push(
      `${r.summary.uncertain} recipients in uncertain batches were not re-sent: their first attempt is older than the idempotency window, so they may already have it. Check, then re-run with --resend-uncertain to send them anyway.`,
    );
  }
  const resumable = r.summary.pending + r.summary.failed;
  if (resumable > 0) lines.push(`${resumable} recipients left: re-run the same command to resume.`);
  return lines;
}
