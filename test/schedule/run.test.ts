// `verdicts run`: the one-shot weekly job, in-process, on a temp site with the outbox.
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { addSubscribers, makeSite, weekRow } from './job-fixture.ts';

/** Outbox folders are named after the send id: the week, a dot, 24 hex digits. */
const WEEK_ID = '2026-W48\\.';
const emlCount = (outbox: string, week: string): number => {
  let n = 0;
  for (const d of safeList(outbox).filter((x) => x.startsWith(`${week}.`))) {
    n += safeList(path.join(outbox, d)).filter((f) => f.endsWith('.eml')).length;
  }
  return n;
};
const safeList = (dir: string) => {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
};

describe('verdicts run', () => {
  it('builds, archives and sends the week, says where; a second run sends nothing', async () => {
    const site = makeSite();
    addSubscribers(site.dbPath, 25);
    const first = await runCli(['run', '--week', '2026-W48'], { env: site.env, cwd: site.dir });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(
      /info run week=2026-W48 outcome=sent pairs=1 recipients=25 sent=25 skipped=0 failed=0 uncertain=0 elapsed=\d+\.\ds/,
    );
    expect(first.stdout.match(/ info run /g)).toHaveLength(1);
    // --week names a past week: its cutoff is the week's end, not the time of the run.
    expect(first.stdout).toMatch(/ info run .* cutoff=2026-11-30T00:00:00\.000Z[ \n]/);
    expect(first.stdout).toContain(`archive: ${path.join(site.dir, 'issues/2026-W48')}`);
    const outbox = `${path.join(site.dir, 'outbox', WEEK_ID)}[0-9a-f]{24}_\\* \\(25 \\.eml files\\)`;
    expect(first.stdout).toMatch(new RegExp(`outbox: ${outbox}`));
    expect(emlCount(site.env['OUTBOX_DIR']!, '2026-W48')).toBe(25);

    const second = await runCli(['run', '--week', '2026-W48'], { env: site.env, cwd: site.dir });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('2026-W48 was already sent');
    expect(second.stdout).toMatch(/outcome=already-sent pairs=1 recipients=25 sent=0/);
    expect(emlCount(site.env['OUTBOX_DIR']!, '2026-W48')).toBe(25);
  });

  it('the due week is the one containing now, and now is the cutoff: a later pair rolls over', async () => {
    const site = makeSite();
    addSubscribers(site.dbPath, 3);
    site.addPair('after-the-slot', '2026-11-30T09:30:00Z');
    // Monday 2026-11-30 09:00Z is in 2026-W49; the seed pair (2026-11-24) was never sent.
    const env = { ...site.env, VERDICTS_FAKE_NOW: '2026-11-30T09:00:00Z' };
    const w49 = await runCli(['run'], { env, cwd: site.dir });
    expect(w49.code).toBe(0);
    expect(w49.stderr).toContain('VERDICTS_FAKE_NOW is for tests only');
    expect(w49.stdout).toMatch(/week=2026-W49 outcome=sent pairs=1 recipients=3/);
    // The fake clock starts at that instant and then runs on in real time: the cutoff is the
    // run's own now, a few milliseconds past it (and before the 09:30 pair that rolls over).
    const cutoff = Date.parse(/ cutoff=(\S+)[ \n]/.exec(w49.stdout)?.[1] ?? '');
    expect(cutoff - Date.parse('2026-11-30T09:00:00Z')).toBeGreaterThanOrEqual(0);
    expect(cutoff - Date.parse('2026-11-30T09:00:00Z')).toBeLessThan(5_000);

    const next = { ...site.env, VERDICTS_FAKE_NOW: '2026-12-07T09:00:00Z' };
    const w50 = await runCli(['run'], { env: next, cwd: site.dir });
    expect(w50.stdout).toMatch(/week=2026-W50 outcome=sent pairs=1 recipients=3/);
    expect(weekRow(site.dbPath, '2026-W49')?.status).toBe('sent');
  });

  it('no new pairs: no issue, exit 0 and a clear line', async () => {
    const site = makeSite();
    addSubscribers(site.dbPath, 3);
    const res = await runCli(['run', '--week', '2026-W40'], { env: site.env, cwd: site.dir });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(
      '2026-W40: no new pairs published before 2026-10-05T00:00:00.000Z',
    );
    expect(res.stdout).toContain('so no issue this week');
    expect(res.stdout).toMatch(/outcome=no-pairs pairs=0 recipients=0 sent=0/);
    expect(safeList(site.env['ISSUES_DIR']!)).not.toContain('2026-W40');
    expect(weekRow(site.dbPath, '2026-W40')).toBeUndefined();
  });

  it('a data error: nothing built or sent, every problem listed, exit 1', async () => {
    const site = makeSite();
    addSubscribers(site.dbPath, 3);
    writeFileSync(
      path.join(site.env['DATA_DIR']!, 'tools/smolvlm2.yaml'),
      'id: smolvlm2\nname: 42\n',
    );
    const res = await runCli(['run', '--week', '2026-W48'], { env: site.env, cwd: site.dir });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('the data does not validate; nothing built or sent');
    expect(res.stderr).toContain('smolvlm2.yaml');
    expect(res.stderr).toMatch(/error run week=2026-W48 outcome=data-error/);
    expect(safeList(site.env['ISSUES_DIR']!)).toEqual([]);
    expect(weekRow(site.dbPath, '2026-W48')).toBeUndefined();
    expect(emlCount(site.env['OUTBOX_DIR']!, '2026-W48')).toBe(0);
  });

  it('LOG_FORMAT=json: every stdout line is JSON, the run line carries the counts', async () => {
    const site = makeSite();
    addSubscribers(site.dbPath, 2);
    const env = { ...site.env, LOG_FORMAT: 'json', RESEND_WEBHOOK_SECRET: 'whsec_dont_print_me' };
    const res = await runCli(['run', '--week', '2026-W48'], { env, cwd: site.dir });
    expect(res.code).toBe(0);
    const lines = res.stdout.trim().split('\n');
    const json = lines.map((l) => JSON.parse(l));
    const run = json.find((j) => j.event === 'run');
    expect(run).toMatchObject({
      level: 'info',
      week: '2026-W48',
      outcome: 'sent',
      pairs: 1,
      recipients: 2,
      sent: 2,
      failed: 0,
    });
    expect(json.at(-1)).toMatchObject({
      event: 'run.end',
      archive: path.join(site.dir, 'issues/2026-W48'),
    });
    expect(res.stdout + res.stderr).not.toContain('whsec_dont_print_me');
    expect(res.stdout + res.stderr).not.toContain('test-secret-0123456789abcdef');
  });
});
