// One run of the weekly job opens the database once: the composition root opens it, every
// step (week state, freeze check, votes, lease, ledger, subscribers) shares that connection.
// CI has no strace, so the count comes from the opener the root is given.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseWeek } from '../../src/content/index.ts';
import { openPipeline, runWeekly } from '../../src/pipeline/index.ts';
import { type Db, openDatabase } from '../../src/store/db.ts';
import { addSubscribers, makeSite } from '../schedule/job-fixture.ts';
import { captureLog } from '../schedule/runner-fixture.ts';

const W48 = parseWeek('2026-W48');
const quiet = { start() {}, update() {}, note() {}, stop() {} };

async function runCountingOpens(site: ReturnType<typeof makeSite>) {
  const opened: string[] = [];
  const counting = (file: string): Db => {
    opened.push(file);
    return openDatabase(file);
  };
  const p = openPipeline(site.config(), { openDatabase: counting, transport: 'outbox' });
  try {
    const report = await runWeekly(p, {
      at: new Date('2026-12-01T00:00:00Z'),
      ...(W48.ok ? { week: W48.value } : {}),
      signal: new AbortController().signal,
      log: captureLog().log,
      progress: quiet,
      say: () => {},
    });
    return { report, opened };
  } finally {
    p.close();
  }
}

describe('the composition root', () => {
  it('a run that builds, freezes and sends opens the database once; so does a re-run', async () => {
    const site = makeSite();
    addSubscribers(site.dbPath, 3);
    const first = await runCountingOpens(site);
    expect(first.report.outcome, first.report.message).toBe('sent');
    expect(first.report.sent).toBe(3);
    expect(first.opened).toEqual([site.dbPath]);
    expect(readdirSync(site.config().OUTBOX_DIR).length).toBeGreaterThan(0);

    const again = await runCountingOpens(site);
    expect(again.report.outcome).toBe('already-sent');
    expect(again.opened).toEqual([site.dbPath]);
  });
});
