// What `schedule` shows on its metrics port besides the sender's counters: whether this runner
// holds the schedule lease (verdicts_lease_held{lease="schedule"}: 1 active, 0 standing by or
// stopped), and the progress of the week it sends, read from the ledger on each scrape.
import type { Metrics } from '../metrics.ts';
import type { Pipeline } from '../pipeline/index.ts';
import type { Runner } from './runner.ts';

export async function watchRunner(
  metrics: Pick<Metrics, 'watchLease' | 'watchSend'>,
  runner: Pick<Runner, 'state'>,
  p: Pick<Pipeline, 'store'>,
): Promise<void> {
  metrics.watchLease('schedule', () => runner.state === 'active');
  const { ledger } = await p.store();
  metrics.watchSend((week) => ledger.summary(week));
}
