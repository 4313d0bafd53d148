// Send progress: a bar on an interactive terminal, otherwise a plain line every few seconds
// (cron logs stay readable). Notes (warnings, failures) print above the bar without breaking it.
import { createRequire } from 'node:module';
import type * as CliProgress from 'cli-progress';

export type ProgressIo = {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  isTTY: boolean;
};

export type Progress = {
  /** `done` recipients (sent or skipped) of `total` before this run starts. */
  start(total: number, done: number): void;
  update(done: number): void;
  /** A line for the operator (stderr), e.g. a failed or uncertain batch. */
  note(line: string): void;
  stop(): void;
};

const LOG_EVERY_MS = 2000;

export function createProgress(io: ProgressIo, label: string, now = Date.now): Progress {
  if (io.isTTY) return barProgress(io, label);
  let total = 0;
  let lastLog = 0;
  let logged = -1;
  let current = 0;
  const line = () => {
    const pct = total === 0 ? 100 : Math.floor((current / total) * 100);
    io.stdout(`${label}: ${current}/${total} recipients (${pct}%)\n`);
    logged = current;
    lastLog = now();
  };
  return {
    start(t, done) {
      total = t;
      current = done;
      line();
    },
    update(done) {
      current = done;
      if (now() - lastLog >= LOG_EVERY_MS) line();
    },
    note: (text) => io.stderr(`${text}\n`),
    stop() {
      if (current !== logged) line();
    },
  };
}

function barProgress(io: ProgressIo, label: string): Progress {
  // Required only on a terminal: cron and service runs never pay for it.
  const { Presets, SingleBar } = createRequire(import.meta.url)(
    'cli-progress',
  ) as typeof CliProgress;
  const bar = new SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total} recipients | ETA {eta_formatted}`,
      hideCursor: true,
      stream: process.stdout,
    },
    Presets.shades_classic,
  );
  return {
    start: (total, done) => bar.start(total, done),
    update: (done) => bar.update(done),
    note(text) {
      // Clear the bar's line, print, and let the next update redraw it.
      process.stdout.write('\r\x1b[K');
      io.stderr(`${text}\n`);
    },
    stop: () => bar.stop(),
  };
}
