// `verdicts send` in-process: bad input is refused with nothing sent, the outbox gets real
// .eml files, --to sends one [TEST] copy outside the ledger, a finished send is not repeated,
// a held lease is reported, and an archive changed mid-send is refused.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { ARCHIVE_FILES } from '../../src/archive/layout.ts';
import { contentHashText } from '../../src/archive/write-issue.ts';
import { createLeases } from '../../src/store/leases.ts';
import { reader, sendWorkspace, WEEK } from '../send/send-fixture.ts';
import { runCli } from '../support/cli.ts';
import { dataDir } from '../support/paths.ts';
import { KEY, useStandIn } from '../support/stand-in-fixture.ts';
import { halfSentWeek } from './half-sent.ts';

const start = useStandIn();

const sendsIn = (ws: { db: () => import('../../src/store/db.ts').Db }) =>
  ws.db().prepare('SELECT COUNT(*) AS n FROM issue_sends').get() as { n: number };

/** Rewrite one archived file and its content hash so the archive is valid but different. */
function editArchive(issuesDir: string, file: string, edit: (text: string) => string): void {
  const dir = path.join(issuesDir, WEEK);
  const files = new Map<string, string>();
  for (const name of Object.values(ARCHIVE_FILES)) {
    if (name === ARCHIVE_FILES.hash) continue;
    files.set(name, readFileSync(path.join(dir, name), 'utf8'));
  }
  files.set(file, edit(files.get(file)!));
  writeFileSync(path.join(dir, file), files.get(file)!);
  writeFileSync(path.join(dir, ARCHIVE_FILES.hash), contentHashText(files));
}

describe('verdicts send: bad input sends nothing', () => {
  it.each([
    ['2026-W99', /2026 has weeks 01 to 53/],
    ['next-week', /not an ISO week/],
  ])('--week %s is refused', async (week, message) => {
    const ws = await sendWorkspace({ subscribers: 3 });
    const args = ws.args();
    args[args.indexOf('--week') + 1] = week;
    const res = await runCli(args, { env: ws.env() });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(message);
    expect(sendsIn(ws)).toEqual({ n: 0 });
    ws.close();
  });

  it('--week is required', async () => {
    const res = await runCli(['send'], { env: {} });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/required option '--week/);
  });

  it('a week with no pairs: exit 1, no issue, nothing frozen', async () => {
    const ws = await sendWorkspace({ subscribers: 3, withArchive: false });
    const args = ws.args();
    args[args.indexOf('--week') + 1] = '2026-W10';
    const res = await runCli(args, { env: ws.env() });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch('2026-W10: no new pairs, so there is no issue to send');
    expect(sendsIn(ws)).toEqual({ n: 0 });
    ws.close();
  });

  it('a corrupt issue.json: exit 1 naming the file, nothing frozen', async () => {
    const ws = await sendWorkspace({ subscribers: 3 });
    writeFileSync(path.join(ws.issuesDir, WEEK, 'issue.json'), '{"week": "2026-W48", ');
    const res = await runCli(ws.args(), { env: ws.env() });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/issue\.json: not valid JSON/);
    expect(sendsIn(ws)).toEqual({ n: 0 });
    ws.close();
  });

  it('an archive whose files do not match its content hash: exit 1, nothing frozen', async () => {
    const ws = await sendWorkspace({ subscribers: 3 });
    const html = path.join(ws.issuesDir, WEEK, 'email.html');
    writeFileSync(html, readFileSync(html, 'utf8').replace('</body>', '<p>edited</p></body>'));
    const res = await runCli(ws.args(), { env: ws.env() });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/content-hash\.txt does not match the files next to it/);
    expect(sendsIn(ws)).toEqual({ n: 0 });
    ws.close();
  });

  it('--transport resend without RESEND_API_KEY: exit 1 before anything is frozen', async () => {
    const ws = await sendWorkspace({ subscribers: 3 });
    const res = await runCli(ws.args('--transport', 'resend'), { env: ws.env() });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/RESEND_API_KEY is not set/);
    expect(sendsIn(ws)).toEqual({ n: 0 });
    ws.close();
  });

  it('no active subscribers: exit 0, "nothing to send", the week is not frozen', async () => {
    const ws = await sendWorkspace({ subscribers: 0 });
    const res = await runCli(ws.args(), { env: ws.env() });
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(`${WEEK}: no active subscribers, nothing to send`);
    expect(sendsIn(ws)).toEqual({ n: 0 });
    ws.close();
  });

  it('a lease held by a live process: exit 4 (busy) naming the holder, nothing frozen', async () => {
    const ws = await sendWorkspace({ subscribers: 3 });
    const owner = 'other-host:4242:deadbeef';
    createLeases(ws.db()).acquire(`send:${WEEK}`, {
      owner,
      ttlMs: 60_000,
      now: new Date(),
      host: 'other-host',
      pid: 4242,
    });
    const res = await runCli(ws.args(), { env: ws.env() });
    expect(res.code).toBe(4);
    expect(res.stderr).toMatch(
      `${WEEK} is already being sent by ${owner} (pid 4242 on other-host, lease until`,
    );
    expect(sendsIn(ws)).toEqual({ n: 0 });
    ws.close();
  });
});

describe('verdicts send: outcomes', () => {
  it('without RESEND_API_KEY writes one parseable .eml per reader to the outbox', async () => {
    const ws = await sendWorkspace({ subscribers: 3 });
    const res = await runCli(ws.args(), { env: ws.env() });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(`frozen 3 recipients in 1 batch(es); sending via outbox`);
    expect(res.stdout).toMatch(`${WEEK}: sent 3, skipped 0, failed 0, uncertain 0 of 3`);
    const files = readdirSync(ws.outboxDir, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.eml'))
      .sort();
    expect(files).toHaveLength(3);
    const meta = JSON.parse(readFileSync(path.join(ws.issuesDir, WEEK, 'meta.json'), 'utf8'));
    for (const [i, file] of files.entries()) {
      const mail = await simpleParser(readFileSync(path.join(ws.outboxDir, file)));
      expect(mail.subject).toBe(meta.subject);
      expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : '').toBe(reader(i + 1));
      expect(mail.from?.value[0]).toMatchObject({
        name: 'Weekly AI Tool Verdicts',
        address: 'news@verdicts.example',
      });
      expect(mail.replyTo?.text).toBe('editors@verdicts.example');
      expect(mail.text).toMatch(/unsubscribe/i);
      expect(mail.html).toMatch(/<html/);
      expect(mail.html).toMatch('Reader ' + (i + 1));
      const header = (key: string) =>
        (mail.headerLines.find((l) => l.key === key)?.line ?? '').replace(/\r?\n[ \t]+/g, ' ');
      expect(header('list-unsubscribe')).toMatch(
        /^List-Unsubscribe: <https:\/\/verdicts\.example\.com\/unsubscribe\/[^>]+>$/,
      );
      expect(header('list-unsubscribe-post')).toBe(
        'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
      );
      expect(header('x-tags')).toBe(`X-Tags: issue=${WEEK}`);
    }
    const ledger = ws
      .db()
      .prepare("SELECT COUNT(*) AS n FROM send_recipients WHERE message_id LIKE 'outbox-%'")
      .get();
    expect(ledger).toEqual({ n: 3 });
    ws.close();
  });

  it('re-running a finished send does nothing and says so', async () => {
    const { standIn } = await start();
    const ws = await sendWorkspace({ subscribers: 150 });
    const env = ws.env({ RESEND_API_KEY: KEY, RESEND_BASE_URL: standIn.url });
    expect((await runCli(ws.args(), { env })).code).toBe(0);
    const requests = standIn.stats().requests;
    const again = await runCli(ws.args(), { env });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(
      new RegExp(
        `^${WEEK} was already sent \\(finished .+\\): 150 sent, 0 skipped; nothing to do\\.\\n$`,
      ),
    );
    expect(standIn.stats().requests).toBe(requests);
    ws.close();
  });

  it('sends the payload Resend expects: from, reply_to, List-Unsubscribe headers, issue tag, personalised bodies', async () => {
    const { standIn } = await start();
    const ws = await sendWorkspace({ subscribers: 2 });
    const env = ws.env({ RESEND_API_KEY: KEY, RESEND_BASE_URL: standIn.url });
    expect((await runCli(ws.args(), { env })).code).toBe(0);
    const [a, b] = standIn.deliveries();
    expect(a).toMatchObject({
      to: [reader(1)],
      from: 'Weekly AI Tool Verdicts <news@verdicts.example>',
      reply_to: ['editors@verdicts.example'],
      tags: [{ name: 'issue', value: WEEK }],
      idempotencyKey: expect.stringMatching(new RegExp(`^${WEEK}\\.[0-9a-f]{24}:0$`)),
      headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    });
    expect(a!.headers!['List-Unsubscribe']).not.toBe(b!.headers!['List-Unsubscribe']);
    expect(a!.html).toMatch('Reader 1');
    expect(b!.html).toMatch('Reader 2');
    ws.close();
  });

  it('--to sends one [TEST] copy, records nothing and freezes nothing', async () => {
    const { standIn } = await start();
    const ws = await sendWorkspace({ subscribers: 5 });
    const env = ws.env({ RESEND_API_KEY: KEY, RESEND_BASE_URL: standIn.url });
    const res = await runCli(ws.args('--to', 'Editor@Example.com'), { env });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(`${WEEK}: [TEST] copy sent to Editor@example.com via resend`);
    const meta = JSON.parse(readFileSync(path.join(ws.issuesDir, WEEK, 'meta.json'), 'utf8'));
    expect(standIn.deliveries().map((d) => [d.to, d.subject])).toEqual([
      [['Editor@example.com'], `[TEST] ${meta.subject}`],
    ]);
    expect(sendsIn(ws)).toEqual({ n: 0 });
    ws.close();
  });

  it('--to with an invalid address: exit 1, nothing sent', async () => {
    const { standIn } = await start();
    const ws = await sendWorkspace({ subscribers: 1 });
    const env = ws.env({ RESEND_API_KEY: KEY, RESEND_BASE_URL: standIn.url });
    const res = await runCli(ws.args('--to', 'not-an-address'), { env });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/test copy not sent: "not-an-address"/);
    expect(standIn.stats().requests).toBe(0);
    ws.close();
  });

  it('--to builds an unarchived week without freezing it', async () => {
    const ws = await sendWorkspace({ subscribers: 1, withArchive: false });
    const res = await runCli(ws.args('--to', 'me@example.com'), { env: ws.env() });
    expect(res.code, res.stderr).toBe(0);
    expect(readdirSync(path.join(ws.issuesDir, WEEK))).toContain('email.html');
    expect(sendsIn(ws)).toEqual({ n: 0 });
    ws.close();
  });

  it('builds the week first when the archive has none, then sends and freezes it', async () => {
    const ws = await sendWorkspace({ subscribers: 2, withArchive: false });
    const res = await runCli(ws.args(), { env: ws.env() });
    expect(res.code, res.stderr).toBe(0);
    expect(readdirSync(path.join(ws.issuesDir, WEEK))).toContain('content-hash.txt');
    expect(sendsIn(ws)).toEqual({ n: 1 });
    ws.close();
  });

  it('refuses to resume when the archive changed after the send started', async () => {
    const { ws, env, standIn } = await halfSentWeek(start);
    editArchive(ws.issuesDir, 'email.html', (t) => t.replace('</body>', '<p>edited</p></body>'));
    const resumed = await runCli(ws.args(), { env });
    expect(resumed.code).toBe(3);
    expect(resumed.stderr).toMatch(`the archive of ${WEEK} changed after its send started`);
    expect(standIn.stats().accepted).toBe(100);
    ws.close();
  });

  it('a frozen week whose archive was deleted is not rebuilt: exit 3, restore and resume', async () => {
    const { standIn } = await start({
      faults: ({ requestNo }) => (requestNo === 1 ? 'quota' : null),
    });
    const ws = await sendWorkspace({ subscribers: 150 });
    const env = ws.env({ RESEND_API_KEY: KEY, RESEND_BASE_URL: standIn.url });
    expect((await runCli(ws.args(), { env })).code).toBe(3);
    rmSync(path.join(ws.issuesDir, WEEK), { recursive: true });
    const res = await runCli(ws.args(), { env });
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(`${WEEK} has no archived issue`);
    ws.close();
  });
});

describe('verdicts build after a send started', () => {
  it('refuses to rebuild a frozen week, and builds an unfrozen one', async () => {
    const ws = await sendWorkspace({ subscribers: 2 });
    const build = ['build', '--week', WEEK, '--db', ws.dbPath, '--issues', ws.issuesDir];
    const before = await runCli([...build, '--data', dataDir], { env: ws.env() });
    expect(before.code, before.stderr).toBe(0);
    expect((await runCli(ws.args(), { env: ws.env() })).code).toBe(0);
    const hash = readFileSync(path.join(ws.issuesDir, WEEK, 'content-hash.txt'), 'utf8');
    const after = await runCli([...build, '--data', dataDir], { env: ws.env() });
    expect(after.code).toBe(1);
    expect(after.stderr).toMatch(`${WEEK} is frozen: sending has started`);
    expect(readFileSync(path.join(ws.issuesDir, WEEK, 'content-hash.txt'), 'utf8')).toBe(hash);
    ws.close();
  });
});
