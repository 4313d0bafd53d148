// An archived week's report in the preview, in Chromium: the funnel and vote bars sized by
// the counts in the database, bounces and complaints, and the trend chart of the last
// issues. The report's screenshot goes to test-artifacts/; with UPDATE_README_SCREENSHOT=1
// also to test/readme/report.png (fixed clock, data and viewport).
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../../src/store/db.ts';
import { createEvents } from '../../src/store/events.ts';
import { createLedger } from '../../src/store/ledger.ts';
import { createVotes } from '../../src/store/votes.ts';
import { addReaders } from '../send/send-fixture.ts';
import { artifactPath, type Browser, launchBrowser, screenshot } from '../support/browser.ts';
import { repoRoot } from '../support/paths.ts';
import {
  ARCHIVED_WEEK,
  type PreviewFixture,
  startPreviewFixture,
  W47_PAIR,
} from '../support/preview-fixture.ts';

let browser: Browser | undefined;
let fixture: PreviewFixture | undefined;

const at = (s: number) => new Date(Date.UTC(2026, 10, 23, 9, 0, s));

/** A finished send of `week` to every active reader, message ids `<week>-<id>`. */
function sent(db: Db, week: string) {
  const ledger = createLedger(db);
  ledger.freeze(week, `hash-${week}`, at(0));
  for (let b = ledger.nextOpenBatch(week, -1); b; b = ledger.nextOpenBatch(week, b.batchNo)) {
    ledger.startAttempt(week, b.batchNo, at(1));
    const rs = ledger.queuedRecipients(week, b.batchNo);
    ledger.markSubmitted(
      week,
      b.batchNo,
      rs.map((r) => r.subscriberId),
      rs.map((r) => `${week}-${r.subscriberId}`),
      at(2),
    );
  }
  ledger.finishIfComplete(week, at(3));
}

/** Readers 1..n of `week` get an event of `type` (detail for bounces and clicks). */
function events(
  db: Db,
  week: string,
  type: string,
  readers: number[],
  detail: string | null = null,
) {
  const store = createEvents(db);
  for (const id of readers)
    store.recordLinked({
      svixId: `${week}-${type}-${id}-${Math.random()}`,
      type,
      email: null,
      messageId: `${week}-${id}`,
      createdAt: at(9),
      payload: {},
      detail,
    });
}
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

beforeAll(async () => {
  browser = await launchBrowser();
  fixture = await startPreviewFixture();
  const db = openDatabase(fixture.config.DATABASE_PATH);
  addReaders(db, 40);
  // Two earlier issues for the trend, then the archived week: 40 readers, 39 delivered, one
  // hard bounce, one complaint, 12 readers opened, 5 clicked, 10 votes.
  for (const [week, opened, clicked] of [
    ['2026-W45', 20, 8],
    ['2026-W46', 16, 6],
  ] as const) {
    sent(db, week);
    events(db, week, 'email.delivered', range(1, 40));
    events(db, week, 'email.opened', range(1, opened));
    events(db, week, 'email.clicked', range(1, clicked), 'https://example.com/x');
  }
  sent(db, ARCHIVED_WEEK);
  events(db, ARCHIVED_WEEK, 'email.delivered', range(1, 39));
  events(db, ARCHIVED_WEEK, 'email.bounced', [40], 'hard');
  events(db, ARCHIVED_WEEK, 'email.complained', [3]);
  events(db, ARCHIVED_WEEK, 'email.opened', range(1, 12));
  events(
    db,
    ARCHIVED_WEEK,
    'email.clicked',
    range(1, 5),
    `http://localhost:3000/vote/${ARCHIVED_WEEK}/${W47_PAIR}/smolvlm2`,
  );
  const votes = createVotes(db);
  for (const id of range(1, 10))
    votes.cast({
      subscriberId: id,
      pairId: W47_PAIR,
      toolId: id <= 7 ? 'smolvlm2' : 'code-llama-4',
      week: ARCHIVED_WEEK,
      now: at(20),
    });
  db.close();
});
afterAll(async () => {
  await browser?.close();
  await fixture?.close();
});

describe('the report in the preview', () => {
  it("an archived week's page shows its funnel, trouble, votes and trend as bars and a chart", {
    timeout: 60_000,
  }, async () => {
    const f = fixture!;
    const origin = new URL(f.server.url).origin;
    const page = await browser!.page({ width: 1440, height: 1100 });
    await page.route(`${origin}/**`, (route) => route.continue());
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(f.url(`/weeks/${ARCHIVED_WEEK}`));
    const report = page.locator('#pv-report');
    await report.locator('.pv-funnel').waitFor();

    // Bar widths are the counts as shares of the 40 submitted.
    const widths = await report
      .locator('.pv-funnel .pv-bar-fill')
      .evaluateAll((els) =>
        els.map((e) => [
          e.getAttribute('data-step'),
          (e as unknown as { style: { width: string } }).style.width,
          Math.round(e.getBoundingClientRect().width),
        ]),
      );
    expect(widths.map(([step, w]) => [step, w])).toEqual([
      ['Submitted', '100%'],
      ['Delivered', '97.5%'],
      ['Opened', '30%'],
      ['Clicked', '12.5%'],
    ]);
    const px = widths.map(([, , w]) => w as number);
    expect(px[0]).toBeGreaterThan(px[1]!);
    expect(px[1]).toBeGreaterThan(px[2]!);
    expect(px[2]).toBeGreaterThan(px[3]!);
    await expect
      .poll(() => report.locator('.pv-trouble .pv-alarm').allTextContents())
      .toEqual(['Hard bounces 1', 'Complaints 1']);

    const votes = await report
      .locator('.pv-vote-fill')
      .evaluateAll((els) =>
        els.map((e) => [
          (e as unknown as { style: { width: string } }).style.width,
          e.classList.contains('pv-fav'),
        ]),
      );
    expect(votes).toEqual([
      ['70%', true],
      ['30%', false],
    ]);

    // The trend: three issues with events, oldest first, open rate falling.
    const dots = await report
      .locator('circle.pv-dot-opened')
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute('cy'))));
    expect(dots).toHaveLength(3);
    expect(dots[0]).toBeLessThan(dots[1]!); // higher rate = nearer the top
    expect(dots[1]).toBeLessThan(dots[2]!);
    expect(await report.textContent()).toMatch(/Apple Mail Privacy Protection/);
    expect(errors).toEqual([]);

    await screenshot(report, { path: artifactPath('preview-report.png') });
    if (process.env['UPDATE_README_SCREENSHOT'] === '1') {
      await page.evaluate('document.fonts.ready');
      await screenshot(report, { path: path.join(repoRoot, 'test/readme/report.png') });
    }
  });
});
