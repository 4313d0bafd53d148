// Send one week's issue to every active subscriber, resumably: take the week's lease, build
// the issue if the archive has none yet, freeze the recipient list (that ledger row is what
// freezes the archive too), and run the sender over the open batches. `verdicts send` and
// `verdicts run` both call this; expected outcomes are values, misuse and bad input throw.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { getHeapStatistics } from 'node:v8';
import { archivePath } from '../archive/layout.ts';
import { readArchivedIssue } from '../archive/list-issues.ts';
import { personaliserFromArchive } from '../archive/read-email.ts';
import type { FreezeCheck } from '../archive/write-issue.ts';
import type { Config } from '../config.ts';
import { VerdictsError } from '../errors.ts';
import type { LinkContext } from '../links.ts';
import { type CreateTransportOptions, createTransport } from '../send/create-transport.ts';
import { sendHeapFit } from '../send/heap-need.ts';
import type { Progress } from '../send/progress.ts';
import { type SenderSettings, type SendReport, sendBatches } from '../send/sender.ts';
import type { OutgoingEmail, Transport } from '../send/transport.ts';
import { openDatabase } from '../store/db.ts';
import { createLeases, type LeaseHolder, newLeaseOwner } from '../store/leases.ts';
import { createLedger, freezeCheck } from '../store/ledger.ts';
import { BATCH_SIZE, type IssueSend, type LedgerSummary } from '../store/ledger-rows.ts';
import { createSubscribers } from '../store/subscribers.ts';
import { sendTest } from './send-test.ts';

export type SendWeekOptions = {
  signal: AbortSignal;
  progress: Progress;
  /** Operator-facing lines (built the issue, resumed, …). */
  log: (line: string) => void;
  resendUncertain?: boolean;
  transport?: CreateTransportOptions['use'];
  now?: () => Date;
};

export type SendWeekResult =
  | { status: 'no-issue'; week: string }
  | { status: 'nothing-to-send'; week: string }
  | { status: 'already-sent'; week: string; send: IssueSend; summary: LedgerSummary }
  | { status: 'sent' | 'incomplete'; week: string; report: SendReport };

export const sendLeaseName = (week: string) => `send:${week}`;

export const senderSettings = (config: Config, resendUncertain = false): SenderSettings => ({
  ratePerSecond: config.RESEND_RATE_LIMIT,
  idempotencyWindowMs: config.IDEMPOTENCY_WINDOW_HOURS * 3_600_000,
  maxInFlight: config.SEND_MAX_IN_FLIGHT,
  backoff: { baseMs: config.SEND_RETRY_BASE_MS, capMs: config.SEND_RETRY_CAP_MS },
  maxRetries: config.SEND_MAX_RETRIES,
  resendUncertain,
});

export const transportFor = (config: Config, use: CreateTransportOptions['use'] = 'auto') =>
  createTransport(config, { use, timeoutMs: config.SEND_REQUEST_TIMEOUT_SECONDS * 1000 });

export const describeHolder = (h: LeaseHolder) =>
  `${h.owner} (pid ${h.pid} on ${h.host}, lease until ${h.expiresAt.toISOString()})`;

/** One digest of content-hash.txt: the ledger row pins exactly these archived bytes. */
export async function archiveDigest(issuesDir: string, week: string): Promise<string> {
  const text = await readFile(archivePath(issuesDir, week, 'hash'), 'utf8');
  return createHash('sha256').update(text).digest('hex');
}

/** The archived issue's personaliser, with the issue built first when the archive has none. */
async function loadArchive(config: Config, week: string, isFrozen: FreezeCheck, now: Date) {
  if (!(await isFrozen(week)) && (await readArchivedIssue(config.ISSUES_DIR, week)) === null) {
    // Loaded only when needed: rendering (MJML) more than doubles the sender's memory.
    const { buildWeek } = await import('./build-week.ts');
    const built = await buildWeek(config, week, { isFrozen, now });
    if (built.status === 'no-pairs') return null;
  }
  const personalise = await personaliserFromArchive(config.ISSUES_DIR, week);
  return { personalise, digest: await archiveDigest(config.ISSUES_DIR, week) };
}

type Archive = NonNullable<Awaited<ReturnType<typeof loadArchive>>>;

export function emailBuilder(config: Config, week: string, archive: Archive) {
  const links: LinkContext = { baseUrl: config.PUBLIC_BASE_URL, secret: config.TOKEN_SECRET };
  const { subject } = archive.personalise.archived.meta;
  const tags = [{ name: 'issue', value: week }];
  return (r: { subscriberId: number; email: string; name: string | null }): OutgoingEmail => {
    const p = archive.personalise(r, links);
    return {
      from: config.FROM_EMAIL,
      to: r.email,
      subject,
      html: p.html,
      text: p.text,
      ...(config.REPLY_TO ? { replyTo: config.REPLY_TO } : {}),
      headers: { ...p.headers },
      tags,
    };
  };
}

/**
 * Refuse, before anything is frozen or sent, a send whose batches cannot fit in the heap Node
 * was given (NODE_OPTIONS=--max-old-space-size): it would run out mid-send. Warn when tight.
 */
function checkHeap(
  config: Config,
  week: string,
  email: { html: string; text: string },
  log: (line: string) => void,
): void {
  const maxInFlight = config.SEND_MAX_IN_FLIGHT;
  const { needMb, limitMb, fit } = sendHeapFit({
    htmlChars: email.html.length,
    textChars: email.text.length,
    batchSize: BATCH_SIZE,
    maxInFlight,
    limitMb: getHeapStatistics().heap_size_limit / 2 ** 20,
  });
  const what = `sending ${week} needs about ${needMb} MB of heap with SEND_MAX_IN_FLIGHT=${maxInFlight}, and this process has ${limitMb} MB`;
  if (fit === 'too_small') {
    throw new VerdictsError(
      'send',
      'heap_too_small',
      `${what}: raise --max-old-space-size in NODE_OPTIONS or lower SEND_MAX_IN_FLIGHT. This run sent nothing.`,
    );
  }
  if (fit === 'tight') log(`${week}: warning: ${what}; it may run out of memory (a rerun resumes)`);
}

export async function sendWeek(
  config: Config,
  week: string,
  opts: SendWeekOptions,
): Promise<SendWeekResult> {
  const now = opts.now ?? (() => new Date());
  const db = openDatabase(config.DATABASE_PATH);
  try {
    const ledger = createLedger(db);
    const existing = ledger.get(week);
    if (existing?.status === 'sent') {
      return { status: 'already-sent', week, send: existing, summary: ledger.summary(week) };
    }
    const transport: Transport = transportFor(config, opts.transport);
    const leases = createLeases(db);
    const name = sendLeaseName(week);
    const owner = newLeaseOwner();
    const ttlMs = config.LEASE_SECONDS * 1000;
    const lease = leases.acquire(name, { owner, ttlMs, now: now() });
    if (!lease.ok) {
      throw new VerdictsError(
        'send',
        'lease_held',
        `${week} is already being sent by ${describeHolder(lease.error.heldBy)}; not sending`,
      );
    }
    const lost = new AbortController();
    const renew = setInterval(() => {
      if (!leases.renew(name, owner, { ttlMs, now: now() }).ok) {
        lost.abort(new Error(`lost the lease ${name} to another sender; stopping`));
      }
    }, ttlMs / 3);
    try {
      const archive = await loadArchive(config, week, freezeCheck(ledger), now());
      if (!archive) return { status: 'no-issue', week };
      checkHeap(config, week, archive.personalise.archived, opts.log);
      if (!ledger.isFrozen(week) && createSubscribers(db).countByStatus().active === 0) {
        return { status: 'nothing-to-send', week };
      }
      const frozen = ledger.freeze(week, archive.digest, now());
      if (!frozen.ok) {
        throw new VerdictsError(
          'send',
          'archive_changed',
          `the archive of ${week} changed after its send started (frozen ${frozen.error.frozenHash.slice(0, 12)}, now ${archive.digest.slice(0, 12)}); restore issues/${week} from git before resuming`,
        );
      }
      const { send, resumed } = frozen.value;
      opts.log(
        resumed
          ? `${week}: resuming the send started ${send.startedAt} (${send.recipients} recipients, ${send.batches} batches)`
          : `${week}: frozen ${send.recipients} recipients in ${send.batches} batch(es); sending via ${transport.name}`,
      );
      const report = await sendBatches(
        week,
        {
          ledger,
          transport,
          buildEmail: emailBuilder(config, week, archive),
          signal: AbortSignal.any([opts.signal, lost.signal]),
          progress: opts.progress,
        },
        senderSettings(config, opts.resendUncertain),
      );
      return { status: report.complete ? 'sent' : 'incomplete', week, report };
    } finally {
      clearInterval(renew);
      leases.release(name, owner);
    }
  } finally {
    db.close();
  }
}

/** `--to`: one copy with a [TEST] subject; no lease, no ledger, no freeze. */
export async function sendTestCopy(
  config: Config,
  week: string,
  to: string,
  opts: { transport?: CreateTransportOptions['use']; now?: () => Date; signal?: AbortSignal },
): Promise<{ status: 'no-issue' } | { status: 'sent'; id: string; to: string; transport: string }> {
  const now = opts.now ?? (() => new Date());
  const transport = transportFor(config, opts.transport);
  const db = openDatabase(config.DATABASE_PATH);
  let frozen: boolean;
  try {
    frozen = createLedger(db).isFrozen(week);
  } finally {
    db.close();
  }
  const archive = await loadArchive(config, week, async () => frozen, now());
  if (!archive) return { status: 'no-issue' };
  const { issue, html, text, meta } = archive.personalise.archived;
  const res = await sendTest({
    rendered: { subject: meta.subject, html, text },
    issue,
    week,
    to,
    transport,
    config,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  if (!res.ok) {
    throw new VerdictsError(
      'send',
      `test_${res.error.code}`,
      `test copy not sent: ${res.error.message}`,
    );
  }
  return { status: 'sent', id: res.value.id, to: res.value.to, transport: res.value.transport };
}
