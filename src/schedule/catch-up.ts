// Which week a slot sends, and what a runner does about the last slot before it started.
// Pure: the slot, `now` and the week's ledger state come in as data.
import { formatDuration } from 'date-fns/formatDuration';
import { intervalToDuration } from 'date-fns/intervalToDuration';
import { dueWeek, formatWeek, type Week } from '../content/index.ts';
import type { WeekState } from '../store/index.ts';

export { dueWeek };

export type CatchUpDecision =
  | { action: 'none'; reason: string }
  | { action: 'run'; slot: Date; week: Week; reason: string }
  | { action: 'skip'; slot: Date; week: Week; reason: string };

export type CatchUpInput = {
  /** The last slot at or before `now` (null: the schedule never fired). */
  slot: Date | null;
  now: Date;
  zone: string;
  graceHours: number;
  state: WeekState;
};

/**
 * The catch-up rule. A slot whose week is already sent needs nothing. A week frozen in the
 * ledger but not finished (the runner was stopped or killed mid-send) is resumed whatever its
 * age: its recipients are fixed and part of them already have the issue, so the rest must get
 * it (the ledger sends nobody twice). A week never started is sent only while the slot is
 * within the grace period; later than that it is skipped, loudly, for the operator to decide.
 */
export function decideCatchUp({
  slot,
  now,
  zone,
  graceHours,
  state,
}: CatchUpInput): CatchUpDecision {
  if (!slot) return { action: 'none', reason: 'the schedule has no earlier slot' };
  const week = dueWeek(slot, zone);
  const id = formatWeek(week);
  if (state === 'sent') return { action: 'none', reason: `${id} was already sent` };
  if (state === 'sending') {
    return { action: 'run', slot, week, reason: `resuming the interrupted send of ${id}` };
  }
  const lateMs = now.getTime() - slot.getTime();
  const late = formatDuration(intervalToDuration({ start: 0, end: lateMs })) || '0 seconds';
  if (lateMs <= graceHours * 3_600_000) {
    return {
      action: 'run',
      slot,
      week,
      reason: `catching up the missed slot for ${id} (${late} late)`,
    };
  }
  return {
    action: 'skip',
    slot,
    week,
    reason: `missed slot for ${id} is ${late} old, beyond CATCH_UP_GRACE_HOURS=${graceHours}; not sent (send it by hand with \`verdicts run --week ${id}\`)`,
  };
}
