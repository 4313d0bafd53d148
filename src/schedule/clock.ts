// The runner's clock. Production reads the system clock. VERDICTS_FAKE_NOW (an ISO instant) is
// for tests only: it shifts the clock so that "now" starts at that instant and then advances in
// real time, letting a child-process test start a runner just after a slot without waiting for
// one. It changes which slot and week the runner believes are due, nothing else (leases and
// timers keep the real clock), and the runner announces it in its log at start.
import { VerdictsError } from '../errors.ts';

export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

export function clockFromEnv(env: Record<string, string | undefined>): {
  clock: Clock;
  fake: boolean;
} {
  const text = env['VERDICTS_FAKE_NOW']?.trim();
  if (!text) return { clock: systemClock, fake: false };
  const start = Date.parse(text);
  if (Number.isNaN(start)) {
    throw new VerdictsError(
      'schedule',
      'bad_fake_now',
      `VERDICTS_FAKE_NOW "${text}" is not an ISO instant such as 2026-11-30T09:00:00Z (it is for tests only; unset it in production)`,
    );
  }
  const offset = start - Date.now();
  return { clock: () => new Date(Date.now() + offset), fake: true };
}
