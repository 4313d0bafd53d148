// A real weekly send through `verdicts schedule` as a child process with METRICS_PORT set, on
// SQLite and on PostgreSQL: GET /metrics parses strictly as Prometheus text, and its count of
// recipients submitted equals the ledger's count of sent rows as `verdicts stats --json` reads
// it (and the stand-in's deliveries), with the provider's refusals counted apart, on both sides.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { useChildren } from '../fault/child.ts';
import { runCli } from '../support/cli.ts';
import { freshPgDatabase } from '../support/postgres.ts';
import { parsePrometheus } from '../support/prom-text.ts';
import { startResendStandIn } from '../support/resend-stand-in/server.ts';
import { KEY } from '../support/stand-in-fixture.ts';
import { makeSite } from './job-fixture.ts';
import { readHealth } from './runner-fixture.ts';

const spawn = useChildren();
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const READERS = 250;
// One in the first batch, one in a later one: each batch submits with a refusal in it.
const REFUSED = ['reader7@example.com', 'reader123@example.com'];
// Monday 2026-11-30 09:00Z is a slot of the default SEND_SCHEDULE ("0 9 * * 1"), week 2026-W49.
const JUST_AFTER_SLOT = '2026-11-30T09:00:05Z';
const WEEK = '2026-W49';

async function database(kind: 'sqlite' | 'postgres'): Promise<Record<string, string>> {
  if (kind === 'sqlite') return {};
  const db = await freshPgDatabase('metrics_ledger');
  cleanups.push(() => db.drop());
  return { DATABASE_URL: db.url };
}

describe.each(['sqlite', 'postgres'] as const)(
  'schedule metrics against the ledger (%s)',
  (kind) => {
    it('after a send, /metrics parses and its submitted and refused counts equal the ledger', {
      timeout: 90_000,
    }, async () => {
      const standIn = await startResendStandIn({
        apiKey: KEY,
        rateLimit: false,
        refuseAddresses: REFUSED,
      });
      cleanups.push(() => standIn.close());
      const site = makeSite({
        ...(await database(kind)),
        RESEND_API_KEY: KEY,
        RESEND_BASE_URL: standIn.url,
        RESEND_RATE_LIMIT: '20',
        LOG_FORMAT: 'json',
      });
      const csv = path.join(site.dir, 'readers.csv');
      const emails = Array.from({ length: READERS }, (_, i) => `reader${i + 1}@example.com`);
      writeFileSync(csv, `email\n${emails.join('\n')}\n`);
      const imported = await runCli(['subscribers', 'import', csv], { env: site.env });
      expect(imported.code, imported.stderr).toBe(0);

      const runner = spawn(['schedule'], {
        ...site.env,
        METRICS_PORT: '0',
        VERDICTS_FAKE_NOW: JUST_AFTER_SLOT,
      });
      let out = '';
      runner.child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
      });
      const metricsUrl = () =>
        out
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as { event: string; url?: string })
          .find((e) => e.event === 'metrics listening')?.url;
      await expect.poll(metricsUrl, { timeout: 20_000, interval: 20 }).toMatch(/^http:\/\//);
      await expect
        .poll(
          () => {
            try {
              return readHealth(site.healthFile).lastRun?.outcome;
            } catch {
              return undefined;
            }
          },
          { timeout: 60_000, interval: 50 },
        )
        .toBe('sent');

      const res = await fetch(metricsUrl()!);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const m = parsePrometheus(await res.text());
      expect(m.types.get('verdicts_send_recipients')).toBe('gauge');
      const state = (s: string) => m.value('verdicts_send_recipients', { week: WEEK, state: s });

      const stats = await runCli(['stats', '--week', WEEK, '--json'], { env: site.env });
      expect(stats.code, stats.stderr).toBe(0);
      const ledger = JSON.parse(stats.stdout) as {
        status: string;
        recipients: number;
        submitted: number;
        refused: number;
      };
      expect(ledger).toMatchObject({
        status: 'sent',
        recipients: READERS,
        submitted: READERS - REFUSED.length,
        refused: REFUSED.length,
      });
      expect(state('submitted')).toBeGreaterThan(0);
      expect(state('submitted')).toBe(ledger.submitted);
      expect(state('submitted')).toBe(standIn.deliveries().length);
      expect(state('refused')).toBe(ledger.refused);
      expect(state('frozen')).toBe(ledger.recipients);
      for (const s of ['pending', 'failed', 'uncertain']) expect(state(s), s).toBe(0);

      runner.child.kill('SIGTERM');
      const done = await runner.done;
      expect(done.code, done.stderr).toBe(0);
    });
  },
);
