// `serve`'s metrics: the exposition parses strictly as Prometheus text, request counters move
// by route pattern (never a raw path or token), the caps and webhooks count, and the mail
// queue gauges read the queue on each scrape. The CLI serves them on METRICS_PORT only, apart
// from the public port, and every log line carries INSTANCE_ID.
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { createMetrics, type MetricsServer, startMetricsServer } from '../../src/metrics.ts';
import { err, ok } from '../../src/result.ts';
import { sqliteStore } from '../../src/store/sqlite-store.ts';
import { isolatedPaths } from '../support/isolated-env.ts';
import { repoRoot, tempDir } from '../support/paths.ts';
import { parsePrometheus } from '../support/prom-text.ts';
import { signWebhook } from '../support/webhook-sign.ts';
import { SECRET, useServer, WEBHOOK_SECRET } from './web-fixture.ts';

const start = useServer();
const endpoints: MetricsServer[] = [];
afterEach(async () => {
  for (const e of endpoints.splice(0)) await e.close();
});

async function withMetrics(overrides: Parameters<typeof start>[0] = {}) {
  const metrics = createMetrics({ role: 'serve', instance: 'test-instance' });
  const s = await start({ ...overrides, overrides: { ...overrides.overrides, metrics } });
  const endpoint = await startMetricsServer(metrics, { port: 0, host: '127.0.0.1' });
  endpoints.push(endpoint);
  const scrape = async () => {
    const res = await fetch(endpoint.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return parsePrometheus(await res.text());
  };
  return { s, metrics, endpoint, scrape };
}

describe('serve metrics', () => {
  it('parse as Prometheus text; requests count by route pattern, method and status', async () => {
    const { s, scrape } = await withMetrics();
    const before = await scrape();
    expect(before.types.get('verdicts_http_requests_total')).toBe('counter');
    expect(before.value('verdicts_info', { role: 'serve', instance: 'test-instance' })).toBe(1);
    // Node's own metrics come prefixed too (the parser refuses any name without verdicts_).
    expect(before.types.has('verdicts_process_cpu_user_seconds_total')).toBe(true);

    expect((await s.get('/')).status).toBe(200);
    expect((await s.get('/')).status).toBe(200);
    expect((await s.get('/confirm/secret-token-abc')).status).toBeLessThan(500);
    expect((await s.get('/wp-login.php')).status).toBe(404);
    expect((await s.get('/healthz')).status).toBe(200);

    const after = await scrape();
    const count = (labels: Record<string, string>) =>
      after.value('verdicts_http_requests_total', labels) ?? 0;
    expect(count({ method: 'GET', route: '/', status: '200' })).toBe(2);
    expect(count({ method: 'GET', route: '/healthz', status: '200' })).toBe(1);
    expect(count({ method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
    const confirms = after.samples.filter(
      (x) => x.name === 'verdicts_http_requests_total' && x.labels['route'] === '/confirm/:token',
    );
    expect(confirms.map((x) => x.value)).toEqual([1]);
    // No raw path, token or query ever becomes a label value.
    const labelValues = after.samples.flatMap((x) => Object.values(x.labels));
    expect(labelValues.filter((v) => /secret-token|wp-login/.test(v))).toEqual([]);
    expect(
      after.value('verdicts_http_request_duration_seconds_count', { method: 'GET', route: '/' }),
    ).toBe(2);
  });

  it('count capped confirmations by cap and webhook deliveries by outcome', async () => {
    const { s, scrape } = await withMetrics();
    expect((await s.subscribe('ann@example.com')).status).toBe(200);
    expect((await s.subscribe('ann@example.com')).status).toBe(200); // one per mailbox per day
    const body = JSON.stringify({
      type: 'email.delivered',
      created_at: '2026-11-30T09:10:00.000Z',
      data: {
        email_id: 'email_unknown',
        created_at: '2026-11-30T09:00:00.000Z',
        from: 'news@verdicts.example',
        to: ['ann@example.com'],
        subject: 'This week',
      },
    });
    const hook = (id: string, secret = WEBHOOK_SECRET) =>
      fetch(`${s.url}/webhooks/resend`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...signWebhook({ secret, id, timestamp: Math.floor(Date.now() / 1000), body }),
        },
        body,
      });
    expect((await hook('msg_1')).status).toBe(200);
    expect((await hook('msg_1')).status).toBe(200);
    const wrongKey = `whsec_${Buffer.from('another-key-0123456789abcd').toString('base64')}`;
    expect((await hook('msg_2', wrongKey)).status).toBe(401);

    const m = await scrape();
    expect(m.value('verdicts_confirmations_capped_total', { cap: 'mailbox' })).toBe(1);
    expect(m.value('verdicts_webhook_events_total', { outcome: 'recorded' })).toBe(1);
    expect(m.value('verdicts_webhook_events_total', { outcome: 'duplicate' })).toBe(1);
    expect(m.value('verdicts_webhook_events_total', { outcome: 'rejected' })).toBe(1);
  });

  it('the mail queue gauges read the queue on each scrape', async () => {
    // The worker only drains at start (nothing queued yet): rows added below stay queued.
    const { s, metrics, scrape } = await withMetrics({
      overrides: { limits: { pollMs: 3_600_000 } },
    });
    const store = sqliteStore(s.db, SECRET);
    metrics.watchMailQueue(() => store.mailQueue.depth(s.clock.now));
    let m = await scrape();
    expect(m.value('verdicts_mail_queue_depth', { status: 'queued' })).toBe(0);
    expect(m.value('verdicts_mail_queue_oldest_age_seconds')).toBe(0);

    const reader = s.subscribers.add('bob@example.com', { source: 'test', now: s.clock.now });
    if (!reader.ok) throw new Error(reader.error);
    const id = reader.value.id;
    const tenMinutesAgo = new Date(s.clock.now.getTime() - 600_000);
    await store.mailQueue.enqueue('confirm', id, 'bob@example.com', tenMinutesAgo);
    await store.mailQueue.enqueue('welcome', id, 'bob@example.com', s.clock.now);
    m = await scrape();
    expect(m.value('verdicts_mail_queue_depth', { status: 'queued' })).toBe(2);
    expect(m.value('verdicts_mail_queue_depth', { status: 'sending' })).toBe(0);
    expect(m.value('verdicts_mail_queue_oldest_age_seconds')).toBe(600);

    await store.mailQueue.claim(s.clock.now, new Date(0));
    m = await scrape();
    expect(m.value('verdicts_mail_queue_depth', { status: 'queued' })).toBe(1);
    expect(m.value('verdicts_mail_queue_depth', { status: 'sending' })).toBe(1);
    expect(m.value('verdicts_metrics_collect_errors_total', { source: 'mail_queue' })).toBe(
      undefined,
    );
  });

  it("the mail worker's 429s and retries count under sender=site", async () => {
    let calls = 0;
    const { s, scrape } = await withMetrics({
      transport: () => ({
        name: 'resend',
        sendBatch: () => Promise.reject(new Error('not used')),
        sendOne: async () => {
          calls++;
          if (calls === 1)
            return err({
              kind: 'rate_limited',
              retryAfterMs: 10,
              name: 'rate_limit_exceeded',
              message: '429',
            });
          if (calls === 2)
            return err({ kind: 'retryable', status: 503, name: 'unavailable', message: '503' });
          return ok({ id: `msg-${calls}` });
        },
      }),
      overrides: { now: () => new Date(), limits: { pollMs: 20, retryBaseMs: 10, retryCapMs: 20 } },
    });
    expect((await s.subscribe('cy@example.com')).status).toBe(200);
    await vi.waitFor(async () => expect((await s.mailQueue()).sent).toBe(1), { timeout: 5_000 });
    const m = await scrape();
    expect(m.value('verdicts_send_rate_limited_total', { sender: 'site' })).toBe(1);
    expect(m.value('verdicts_send_retries_total', { sender: 'site', kind: 'rate_limited' })).toBe(
      1,
    );
    expect(m.value('verdicts_send_retries_total', { sender: 'site', kind: 'retryable' })).toBe(1);
  });

  it('a queue read that fails is counted, and the scrape still answers', async () => {
    const metrics = createMetrics({ role: 'serve', instance: 'x', processMetrics: false });
    metrics.watchMailQueue(() => Promise.reject(new Error('database unavailable')));
    const m = parsePrometheus(await metrics.render());
    expect(m.value('verdicts_metrics_collect_errors_total', { source: 'mail_queue' })).toBe(1);
    expect(m.value('verdicts_mail_queue_depth', { status: 'queued' })).toBe(undefined);
  });
});

describe('verdicts serve with METRICS_PORT', () => {
  it('serves /metrics on its own port only, and every log line carries INSTANCE_ID', async () => {
    const dir = tempDir('verdicts-serve-metrics-');
    const lines: string[] = [];
    const stop = new AbortController();
    let ready: (urls: { site: string; metrics: string }) => void;
    const urls = new Promise<{ site: string; metrics: string }>((r) => {
      ready = r;
    });
    let metricsUrl = '';
    const exit = main(
      [
        'serve',
        '--port',
        '0',
        '--metrics-port',
        '0',
        '--db',
        path.join(dir, 'v.db'),
        '--issues',
        path.join(dir, 'issues'),
      ],
      {
        stdout: (t) => {
          lines.push(t);
          const entry = JSON.parse(t);
          if (entry.event === 'metrics listening') metricsUrl = entry.url;
          if (entry.event === 'listening') ready({ site: entry.url, metrics: metricsUrl });
        },
        stderr: (t) => lines.push(t),
        env: { ...isolatedPaths(), INSTANCE_ID: 'web-1' },
        cwd: repoRoot,
        isTTY: false,
        signal: stop.signal,
      },
    );
    const { site, metrics } = await urls;
    expect(metrics).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect((await fetch(`${site}/healthz`)).status).toBe(200);
    expect((await fetch(`${site}/metrics`)).status).toBe(404);
    const m = parsePrometheus(await (await fetch(metrics)).text());
    expect(m.value('verdicts_info', { role: 'serve', instance: 'web-1' })).toBe(1);
    expect(m.value('verdicts_http_requests_total', { route: '/healthz', status: '200' })).toBe(1);
    expect(m.value('verdicts_mail_queue_depth', { status: 'queued' })).toBe(0);
    stop.abort();
    expect(await exit).toBe(0);
    await expect(fetch(metrics)).rejects.toThrow();
    const entries = lines.map((l) => JSON.parse(l));
    expect(entries.length).toBeGreaterThan(3);
    expect(entries.filter((e) => e.instance !== 'web-1')).toEqual([]);
  });
});
