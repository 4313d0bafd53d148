// Send one week's issue to every active subscriber, resumably: take the week's lease, make
// sure the archive exists (week-archive.ts decides whether to build), freeze the recipient
// list (that ledger row is what freezes the archive too), and run the sender over the open
// batches. `verdicts send` and `verdicts run` both call this. Every expected outcome is a
// value; a changed archive throws (nothing is sent).
import { formatWeek, type Issue, type Week } from '../content/index.ts';
import { DATABASE_BUSY_MESSAGE } from '../db-busy.ts';
import { isVerdictsError, VerdictsError } from '../errors.ts';
import type { LintFinding } from '../render/index.ts';
import { type Progress, type SendReport, sendBatches, sharedSlots } from '../send/index.ts';
import {
  hostLabel,
  type IssueSend,
  type LeaseHolder,
  type LedgerSummary,
  newLeaseOwner,
} from '../store/index.ts';
import type { Pipeline } from './open-pipeline.ts';
import type { PrepareProblem } from './prepare-week.ts';
import { publishArchive } from './published-archive.ts';
import { type BaseUrlMismatch, gateArchive } from './send-gate.ts';
import { senderSettings } from './settings.ts';
import { type ArchiveWhen, weekArchive } from './week-archive.ts';
import { emailBuilder, variantRoute } from './week-mail.ts';

export type SendWeekOptions = {
  signal: AbortSignal;
  progress: Progress;
  /** Operator lines (built the issue, resumed, …). */
  say: (line: string) => void;
  resendUncertain?: boolean;
  /** When to (re)build the archive of an unfrozen week (default: only when it has none). */
  build?: ArchiveWhen;
  /** The build's cutoff (default: now). */
  at?: Date;
  /** Told when this send built the archive (before anything is frozen). */
  onBuilt?: (built: { dir: string; issue: Issue }) => void;
  /** Lint finding ids (or rules) an editor accepts; the gate refuses any other finding. */
  accept?: readonly string[];
};

/** The archived issue a send went out from (pairs for the report). */
type Sent = { issue: Issue; built: { dir: string } | null };

export type SendWeekResult =
  | { status: 'no-pairs'; week: string }
  | { status: 'problems'; week: string; problem: PrepareProblem }
  | ({ status: 'no-subscribers'; week: string } & Sent)
  | { status: 'already-sent'; week: string; send: IssueSend; summary: LedgerSummary }
  /** Another sender holds the week's lease: it is sending, this run did not. */
  /** `heldBy: null`: the database itself stayed locked, so the holder could not be read. */
  | { status: 'busy'; week: string; message: string; heldBy: LeaseHolder | null }
  /** The gate refused the issue: lint findings nobody accepted. Nothing frozen or sent. */
  | ({ status: 'refused'; week: string; open: LintFinding[]; unused: string[] } & Sent)
  /** The archive was built for another PUBLIC_BASE_URL. Nothing frozen or sent. */
  | ({ status: 'wrong-base-url'; week: string; mismatch: BaseUrlMismatch } & Sent)
  | ({ status: 'sent' | 'incomplete'; week: string; report: SendReport } & Sent);

export const sendLeaseName = (week: string) => `send:${week}`;

export const describeHolder = (h: LeaseHolder | null) =>
  h
    ? `${h.owner} (pid ${h.pid} on ${hostLabel(h.host)}, lease until ${h.expiresAt.toISOString()})`
    : `another process: ${DATABASE_BUSY_MESSAGE}`;

export async function sendWeek(
  p: Pipeline,
  w: Week,
  opts: SendWeekOptions,
): Promise<SendWeekResult> {
  const week = formatWeek(w);
  const { ledger, leases, subscribers, archive, providerBudget } = await p.store();
  const existing = await ledger.get(week);
  if (existing?.status === 'sent') {
    return { status: 'already-sent', week, send: existing, summary: await ledger.summary(week) };
  }
  // Before the lease: a transport that cannot be made (no key for Resend) stops nothing midway.
  const transport = p.transport();
  const name = sendLeaseName(week);
  const owner = newLeaseOwner();
  const ttlMs = p.settings.leaseMs;
  const lease = await leases.acquire(name, { owner, ttlMs, now: p.now() });
  if (!lease.ok) {
    const message = `${week} is already being sent by ${describeHolder(lease.error.heldBy)}; not sending`;
    return { status: 'busy', week, message, heldBy: lease.error.heldBy };
  }
  const lost = new AbortController();
  const renewOnce = async () => {
    const renewed = await leases.renew(name, owner, { ttlMs, now: p.now() });
    if (!renewed.ok && renewed.error === 'lost') {
      const to = (await leases.holder(name))?.owner ?? 'nobody (released)';
      lost.abort(new Error(`lost the lease to ${to}; stopping (a re-run resumes the rest)`));
    }
  };
  // A renewal the database could not answer (busy, restarting) is tried again at the next tick.
  const renew = setInterval(() => void renewOnce().catch(() => undefined), ttlMs / 3);
  try {
    const found = await weekArchive(p, w, {
      build: opts.build ?? 'missing',
      at: opts.at ?? p.now(),
    }).catch(async (e: unknown) => {
      // A week that has started sending stays resumable: the archive only needs restoring.
      if (!(await ledger.isFrozen(week)) || !isVerdictsError(e) || e.stage !== 'archive') throw e;
      throw new VerdictsError(
        'send',
        'archive_changed',
        `${week} has started sending but its archive cannot be sent: ${e.reason}. Restore issues/${week} from git, then re-run to resume`,
      );
    });
    if (found.status !== 'ready') return found;
    const { archived, built } = found;
    if (built) opts.onBuilt?.(built);
    const sent: Sent = { issue: archived.issue, built };
    const frozenBefore = await ledger.isFrozen(week);
    if (!frozenBefore) {
      const judged = await gateArchive(archived, p.settings.baseUrl, opts.accept ?? []);
      if (judged.status === 'wrong-base-url') return { ...judged, week, ...sent };
      const { verdict } = judged;
      for (const n of verdict.unused) opts.say(`${week}: --accept ${n} matches no finding`);
      if (verdict.status === 'refused') {
        return { status: 'refused', week, open: verdict.open, unused: verdict.unused, ...sent };
      }
      for (const f of verdict.accepted)
        opts.say(`${week}: accepted [${f.rule}] ${f.id}: ${f.message}`);
    }
    if (!frozenBefore && (await subscribers.countByStatus()).active === 0) {
      return { status: 'no-subscribers', week, ...sent };
    }
    const frozen = await ledger.freeze(
      week,
      archived.digest,
      p.now(),
      undefined,
      variantRoute(archived),
    );
    if (!frozen.ok) {
      throw new VerdictsError(
        'send',
        'archive_changed',
        `the archive of ${week} changed after its send started (frozen ${frozen.error.frozenHash.slice(0, 12)}, now ${archived.digest.slice(0, 12)}); restore issues/${week} from git before resuming`,
      );
    }
    const { send, resumed } = frozen.value;
    // Every public server serves the week from the store from now on, wherever it runs.
    await publishArchive(archive, p.settings.issuesDir, week, p.now());
    opts.say(
      resumed
        ? `${week}: resuming the send started ${send.startedAt} (${send.recipients} recipients, ${send.batches} batches)`
        : `${week}: frozen ${send.recipients} recipients in ${send.batches} batch(es); sending via ${transport.name}`,
    );
    const report = await sendBatches(
      week,
      {
        ledger,
        transport,
        buildEmail: emailBuilder(p.settings.email, week, archived),
        signal: AbortSignal.any([opts.signal, lost.signal]),
        lease: { name, owner },
        progress: opts.progress,
        ...(p.sendMetrics ? { metrics: p.sendMetrics } : {}),
        // Resend's limit is the team's: every server's confirmations draw on it too.
        ...(p.settings.sharedRate && transport.name === 'resend'
          ? {
              shared: sharedSlots(providerBudget, {
                perSecond: p.settings.sender.ratePerSecond,
              }),
            }
          : {}),
      },
      senderSettings(p.settings, opts.resendUncertain),
    );
    if (lost.signal.aborted && report.stopped?.reason === 'aborted') {
      report.stopped = { reason: 'lease_lost', message: (lost.signal.reason as Error).message };
    }
    // Paused past the lease and woken after the new holder finished: nothing was left open, so
    // the report said complete (exit 0), but this run lost its lease: exit 3 in the README.
    const holder = (await leases.holder(name))?.owner;
    if (holder !== owner && !report.stopped) {
      const message = `lost the lease to ${holder ?? 'nobody (released)'}; stopping (a re-run resumes the rest, or reports the week sent)`;
      report.stopped = { reason: 'lease_lost', message };
    }
    if (report.stopped?.reason === 'lease_lost') report.complete = false;
    return { status: report.complete ? 'sent' : 'incomplete', week, report, ...sent };
  } finally {
    clearInterval(renew);
    await leases.release(name, owner).catch(() => false);
  }
}
