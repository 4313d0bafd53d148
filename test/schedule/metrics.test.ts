// `schedule`'s metrics: verdicts_lease_held{lease="schedule"} is 1 on the active runner and 0
// on one standing by, and a send shows its progress from the ledger (recipients by state,
// batches by status) under the week it sends.
import { describe, expect, it } from 'vitest';
import { createMetrics, type Metrics } from '../../src/metrics.ts';
import { openPipeline } from '../../src/pipeline/index.ts';
import { createWeeklyRunner, watchRunner } from '../../src/schedule/index.ts';
import { parsePrometheus } from '../support/prom-text.ts';
import { addSubscribers, makeSite } from './job-fixture.ts';
import { captureLog, cron, manualClock, useRunners } from './runner-fixture.ts';

const runners = useRunners();

const scrape = async (m: Metrics) => parsePrometheus(await m.render());

describe('schedule metrics', () => {
  it('lease held 1 when active, 0 on standby; the send shows its progress', async () => {
    const site = makeSite();
    addSubscribers(site.dbPath, 3);
    const config = site.config();
    const clock = manualClock('2026-11-30T08:59:30Z');

    const start = async (instance: string) => {
      const metrics = createMetrics({ role: 'schedule', instance, processMetrics: false });
      const pipeline = openPipeline(config, { sendMetrics: metrics.sender('issue') });
      const out = captureLog();
      const runner = runners.track(
        await createWeeklyRunner(pipeline, {
          schedule: cron('0 9 * * 1'),
          clock,
          graceHours: config.CATCH_UP_GRACE_HOURS,
          healthFile: config.HEALTH_FILE,
          log: out.log,
          say: () => {},
          progress: () => ({ start() {}, update() {}, note() {}, stop() {} }),
          standbyPollMs: 3_600_000,
        }),
      );
      await watchRunner(metrics, runner, pipeline);
      return { metrics, pipeline, runner };
    };

    const active = await start('runner-a');
    await active.runner.start();
    expect(active.runner.state).toBe('active');
    let m = await scrape(active.metrics);
    expect(m.value('verdicts_lease_held', { lease: 'schedule' })).toBe(1);
    expect(m.value('verdicts_info', { role: 'schedule', instance: 'runner-a' })).toBe(1);
    expect(m.value('verdicts_send_active')).toBe(0);

    const standby = await start('runner-b');
    await standby.runner.start();
    expect(standby.runner.state).toBe('standby');
    expect(
      (await scrape(standby.metrics)).value('verdicts_lease_held', { lease: 'schedule' }),
    ).toBe(0);

    clock.set('2026-11-30T09:00:00Z');
    const report = await active.runner.fire(new Date('2026-11-30T09:00:00Z'));
    expect(report?.outcome).toBe('sent');
    m = await scrape(active.metrics);
    const week = { week: '2026-W49' };
    expect(m.value('verdicts_send_recipients', { ...week, state: 'frozen' })).toBe(3);
    expect(m.value('verdicts_send_recipients', { ...week, state: 'submitted' })).toBe(3);
    expect(m.value('verdicts_send_recipients', { ...week, state: 'pending' })).toBe(0);
    expect(m.value('verdicts_send_batches', { ...week, status: 'submitted' })).toBe(1);
    expect(m.value('verdicts_send_active')).toBe(0);
    expect(m.value('verdicts_send_rate_limited_total', { sender: 'issue' })).toBe(undefined);

    await active.runner.stop();
    expect((await scrape(active.metrics)).value('verdicts_lease_held', { lease: 'schedule' })).toBe(
      0,
    );
    await active.pipeline.close();
    await standby.runner.stop();
    await standby.pipeline.close();
  });
});
