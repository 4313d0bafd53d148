// The pre-send gate, end to end through the CLI: an issue that fails lint is refused by `send`
// and by `run` (exit 1, nothing frozen, nothing in the outbox, every finding listed with its
// id) and goes out once an editor names the finding with --accept; an archive built for
// another PUBLIC_BASE_URL is refused with both URLs named.
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sendWorkspace, WEEK } from '../send/send-fixture.ts';
import { runCli } from '../support/cli.ts';
import { dataDir, tempDir } from '../support/paths.ts';

/** The seed data with a tagline long enough for ~95 KB on the wire: over the 90 KB budget,
 * under the 100 KB limit, so it builds and only the lint objects. */
function overBudgetData(): string {
  const dir = path.join(tempDir('verdicts-data-'), 'data');
  cpSync(dataDir, dir, { recursive: true });
  const tool = path.join(dir, 'tools/smolvlm2.yaml');
  const long = 'An endless tagline. '.repeat(3450).trim();
  writeFileSync(tool, readFileSync(tool, 'utf8').replace(/^tagline: .*$/m, `tagline: ${long}`));
  return dir;
}

async function gateWorkspace() {
  const ws = await sendWorkspace({ subscribers: 3, withArchive: false });
  const data = overBudgetData();
  const withData = (args: string[]) => {
    const out = [...args];
    out[out.indexOf('--data') + 1] = data;
    return out;
  };
  const counts = () => {
    const db = ws.db();
    const sends = db.prepare('SELECT COUNT(*) AS n FROM issue_sends').get() as { n: number };
    const rows = db.prepare('SELECT COUNT(*) AS n FROM send_recipients').get() as { n: number };
    return { sends: sends.n, recipients: rows.n };
  };
  const emls = () =>
    existsSync(ws.outboxDir)
      ? readdirSync(ws.outboxDir, { recursive: true, encoding: 'utf8' }).filter((f) =>
          f.endsWith('.eml'),
        )
      : [];
  const sendArgs = (...extra: string[]) => withData(ws.args(...extra));
  const runArgs = (...extra: string[]) => ['run', ...withData(ws.args(...extra)).slice(1)];
  return { ws, sendArgs, runArgs, counts, emls };
}

const SIZE_FINDING = /\[size\] (size-[0-9a-f]{8}): email HTML is (9\d\.\d) KB on the wire/;

describe('the pre-send gate', () => {
  it('send refuses a lint-failing issue, nothing frozen or sent, then sends it with --accept', async () => {
    const g = await gateWorkspace();
    const refused = await runCli(g.sendArgs(), { env: g.ws.env() });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(`${WEEK}: not sent: the issue has 1 lint finding(s)`);
    const m = SIZE_FINDING.exec(refused.stderr);
    expect(m, refused.stderr).not.toBeNull();
    expect(Number(m![2])).toBeGreaterThan(90);
    expect(Number(m![2])).toBeLessThan(100);
    expect(refused.stderr).toContain(`--accept ${m![1]}`);
    expect(g.counts()).toEqual({ sends: 0, recipients: 0 });
    expect(g.emls()).toEqual([]);
    // The archive was built (for the editor to look at) and records what the gate read.
    const meta = JSON.parse(readFileSync(path.join(g.ws.issuesDir, WEEK, 'meta.json'), 'utf8'));
    expect(meta.baseUrl).toBe('https://verdicts.example.com');
    expect(meta.lint.map((f: { id: string }) => f.id)).toEqual([m![1]]);

    const wrong = await runCli(g.sendArgs('--accept', 'links-00000000'), { env: g.ws.env() });
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain('--accept links-00000000 matches no finding');
    expect(g.counts()).toEqual({ sends: 0, recipients: 0 });

    const sent = await runCli(g.sendArgs('--accept', m![1]!), { env: g.ws.env() });
    expect(sent.stderr).toBe('');
    expect(sent.code).toBe(0);
    expect(sent.stdout).toContain(`accepted [size] ${m![1]}`);
    expect(sent.stdout).toMatch(`${WEEK}: sent 3, skipped 0, failed 0, uncertain 0 of 3`);
    expect(g.emls()).toHaveLength(3);
    g.ws.close();
  });

  it('run refuses it too (exit 1, outcome refused), and --accept with the rule sends it', async () => {
    const g = await gateWorkspace();
    const refused = await runCli(g.runArgs(), { env: g.ws.env() });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/outcome=refused/);
    expect(refused.stderr).toMatch(SIZE_FINDING);
    expect(g.counts()).toEqual({ sends: 0, recipients: 0 });
    expect(g.emls()).toEqual([]);

    const sent = await runCli(g.runArgs('--accept', 'size'), { env: g.ws.env() });
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.stdout).toMatch(/outcome=sent/);
    expect(g.emls()).toHaveLength(3);
    g.ws.close();
  });

  it('send refuses an archive built for another PUBLIC_BASE_URL, naming both', async () => {
    const ws = await sendWorkspace({ subscribers: 3 });
    const env = ws.env({ PUBLIC_BASE_URL: 'https://news.example.org' });
    const res = await runCli(ws.args(), { env });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('was built for PUBLIC_BASE_URL=https://verdicts.example.com');
    expect(res.stderr).toContain('this send has PUBLIC_BASE_URL=https://news.example.org');
    const db = ws.db();
    expect(db.prepare('SELECT COUNT(*) AS n FROM issue_sends').get()).toEqual({ n: 0 });
    expect(existsSync(ws.outboxDir)).toBe(false);
    // The same archive with the setting it was built for goes out.
    const ok = await runCli(ws.args(), { env: ws.env() });
    expect(ok.code, ok.stderr).toBe(0);
    ws.close();
  });
});
