// The operator's report end to end: a real send through the Resend SDK to the stand-in, real
// signed webhooks (each delivered twice, as Resend retries) posted to `verdicts serve`, a
// one-click unsubscribe and votes through the same server, then `verdicts stats`.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { reader, sendWorkspace, WEEK } from '../send/send-fixture.ts';
import { runCli } from '../support/cli.ts';
import { tempDir } from '../support/paths.ts';
import { KEY, useStandIn } from '../support/stand-in-fixture.ts';
import {
  type EventTarget,
  eventBody,
  postEvent,
  useServe,
  WEBHOOK_SECRET,
} from './serve-fixture.ts';

const PUBLIC = 'https://verdicts.example.com';
const PAIR = 'smolvlm2-vs-code-llama-4';
const startStandIn = useStandIn();
const serve = useServe();
const workspaces: { close: () => void }[] = [];
afterEach(() => {
  for (const ws of workspaces.splice(0)) ws.close();
});

async function sentIssue(readers: number, transport: 'resend' | 'outbox') {
  const ws = await sendWorkspace({ subscribers: readers });
  workspaces.push(ws);
  const { standIn } = await startStandIn();
  const extra: Record<string, string> =
    transport === 'resend'
      ? { RESEND_API_KEY: KEY, RESEND_BASE_URL: standIn.url, RESEND_WEBHOOK_SECRET: WEBHOOK_SECRET }
      : { RESEND_API_KEY: '', RESEND_WEBHOOK_SECRET: WEBHOOK_SECRET };
  const env = ws.env(extra);
  const sent = await runCli(ws.args(), { env });
  expect(sent.code, sent.stderr).toBe(0);
  const paths = ['--db', ws.dbPath, '--issues', ws.issuesDir];
  const stats = async (...args: string[]) => runCli(['stats', ...paths, ...args], { env });
  return { ws, env, standIn, paths, stats };
}

describe('verdicts stats', () => {
  it('reports exactly the events Resend posted back, each once, for an issue sent through the SDK', async () => {
    const { env, standIn, paths, stats } = await sentIssue(40, 'resend');
    const deliveries = standIn.deliveries();
    expect(deliveries).toHaveLength(40);
    const to = (i: number): EventTarget & { html: string; unsubscribe: string } => {
      const d = deliveries.find((x) => x.to[0] === reader(i))!;
      const unsubscribe = /<([^>]+)>/.exec(d.headers?.['List-Unsubscribe'] ?? '')![1]!;
      return { id: d.id, to: d.to[0]!, html: d.html ?? '', unsubscribe };
    };
    // The archive's links point at the base URL it was built for, whatever that is.
    const BUILT_BASE = /(https?:\/\/[^/"]+)\/vote\//.exec(to(1).html)![1]!;
    const voteLink = (i: number, tool: string) =>
      new RegExp(`${BUILT_BASE}/vote/${WEEK}/${PAIR}/${tool}/[^"]+`).exec(to(i).html)![0];
    const panelLink = new RegExp(`${BUILT_BASE}/issues/${WEEK}/#${PAIR}`).exec(to(2).html)![0];

    const events: [string, EventTarget, Record<string, unknown>?][] = [];
    for (let i = 1; i <= 40; i++) events.push(['email.sent', to(i)]);
    for (let i = 1; i <= 39; i++) events.push(['email.delivered', to(i)]);
    events.push([
      'email.bounced',
      to(40),
      { bounce: { type: 'Permanent', subType: 'General', message: 'no such user' } },
    ]);
    events.push(['email.complained', to(1)]);
    events.push(['email.delivery_delayed', to(5)]);
    for (const i of [1, 2, 2, 3, 4, 5, 6]) events.push(['email.opened', to(i)]);
    const click = (link: string) => ({
      click: {
        ipAddress: '203.0.113.9',
        link,
        timestamp: '2026-11-30T10:00:00.000Z',
        userAgent: 'test',
      },
    });
    events.push(['email.clicked', to(1), click(voteLink(1, 'smolvlm2'))]);
    events.push(['email.clicked', to(1), click(voteLink(1, 'code-llama-4'))]);
    events.push(['email.clicked', to(2), click(panelLink)]);
    events.push(['email.clicked', to(3), click(voteLink(3, 'smolvlm2'))]);

    const server = await serve(paths, env);
    const outcomes: string[] = [];
    for (const [n, [type, target, extra]] of events.entries()) {
      const body = eventBody(type, target, extra);
      // Resend retries a delivery: the same svix-id twice.
      outcomes.push(await postEvent(server.url, body, `msg_${n}`));
      outcomes.push(await postEvent(server.url, body, `msg_${n}`));
    }
    expect(outcomes.filter((o) => o === 'recorded')).toHaveLength(events.length);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(events.length);

    // Reader 7 unsubscribes with Gmail's one-click POST to its List-Unsubscribe URL; readers
    // 3, 4 and 8 vote through their links.
    const oneClick = new URL(to(7).unsubscribe);
    const unsub = await fetch(server.url + oneClick.pathname + oneClick.search, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(unsub.status).toBe(200);
    for (const [i, tool] of [
      [3, 'smolvlm2'],
      [4, 'smolvlm2'],
      [8, 'code-llama-4'],
    ] as const) {
      const res = await fetch(server.url + new URL(voteLink(i, tool)).pathname, {
        method: 'POST',
        headers: { origin: PUBLIC, 'content-type': 'application/x-www-form-urlencoded' },
        body: '',
      });
      expect(res.status).toBe(200);
    }
    await server.stop();

    const run = await stats('--week', WEEK, '--json');
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({
      week: WEEK,
      via: 'resend',
      deliveryEvents: true,
      recipients: 40,
      submitted: 40,
      delivered: 39,
      delayed: 1,
      bounced: 1,
      softBounced: 0,
      complained: 1,
      failed: 0,
      opened: 6,
      openedTotal: 7,
      clicked: 3,
      clickedTotal: 4,
      unsubscribed: 1,
      softBounceSuppressed: 0,
    });
    expect(report.rates.opened).toBeCloseTo(6 / 39, 4);
    expect(report.rates.clicked).toBeCloseTo(3 / 39, 4);
    expect(report.clicksByPair).toEqual([
      {
        pairId: PAIR,
        headline: expect.any(String),
        clicks: 4,
        tools: [
          { toolId: 'smolvlm2', name: 'SmolVLM2', clicks: 2 },
          { toolId: 'code-llama-4', name: 'Code Llama 4', clicks: 1 },
        ],
      },
    ]);
    // Links are stored without the reader's token: both smolvlm2 vote clicks are one link.
    const smol = report.links.find((l: { toolId: string }) => l.toolId === 'smolvlm2');
    expect(smol).toMatchObject({
      kind: 'vote',
      link: `${BUILT_BASE}/vote/${WEEK}/${PAIR}/smolvlm2`,
      clicks: 2,
      readers: 2,
    });
    expect(report.votes[0]).toMatchObject({
      pairId: PAIR,
      total: 3,
      tools: [
        { toolId: 'smolvlm2', votes: 2, share: 0.6667 },
        { toolId: 'code-llama-4', votes: 1, share: 0.3333 },
      ],
      communityFavourite: 'smolvlm2',
    });
    expect(report.notes.opens).toMatch(/Apple Mail Privacy Protection/);

    const text = await stats('--week', WEEK);
    expect(text.stdout).toContain('delivered 39');
    expect(text.stdout).toContain('opened 6 readers (7 opens)');
    expect(text.stdout).toMatch(/Apple Mail Privacy Protection/);

    const all = await stats('--json');
    const body = JSON.parse(all.stdout);
    expect(
      body.issues.map((r: { week: string; delivered: number }) => [r.week, r.delivered]),
    ).toEqual([[WEEK, 39]]);
  });

  it('an issue sent to the outbox says so instead of reporting zeros', async () => {
    const { stats } = await sentIssue(5, 'outbox');
    const run = await stats('--week', WEEK, '--json');
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({
      via: 'outbox',
      deliveryEvents: false,
      recipients: 5,
      submitted: 5,
      delivered: null,
      opened: null,
      clicked: null,
      bounced: null,
    });
    expect((await stats('--week', WEEK)).stdout).toContain(
      'sent to the outbox, no delivery events',
    );
    expect((await stats()).stdout).toMatch(/2026-W48 .* outbox .* — /);
  });

  it('a week never sent, or no database at all: a clear error and exit 1', async () => {
    const { stats } = await sentIssue(2, 'outbox');
    const notSent = await stats('--week', '2026-W50');
    expect(notSent.code).toBe(1);
    expect(notSent.stderr).toContain('2026-W50 has not been sent');
    const missing = path.join(tempDir('verdicts-stats-'), 'never', 'v.db');
    const noDb = await runCli(['stats', '--db', missing]);
    expect(noDb.code).toBe(1);
    expect(noDb.stderr).toContain(`no database at ${missing}`);
    expect(existsSync(path.dirname(missing))).toBe(false); // nothing created
    const badWeek = await stats('--week', 'soon');
    expect(badWeek.code).toBe(1);
    expect(badWeek.stderr).toContain('--week');
  });
});
