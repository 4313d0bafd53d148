// What every command gets: injected streams, environment and working directory (so tests
// can run commands in-process), plus the settings with any --data/--issues/--db flags applied.
import path from 'node:path';
import type { Command } from 'commander';
import { type Config, loadConfig } from '../config.ts';

export type CliIo = {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
  cwd: string;
  /** True when stdout is an interactive terminal (progress bars, colours). */
  isTTY: boolean;
  /** Aborted on SIGINT/SIGTERM by the real entry point; long-running commands watch it. */
  signal: AbortSignal;
  /**
   * Ends the process at once with this code (the real entry point only). A command that does
   * not watch `signal` itself is ended through it on the first SIGINT/SIGTERM.
   */
  exit?: (code: number) => void;
};

export type PathFlags = { data?: string; issues?: string; db?: string; outbox?: string };

export function resolveConfig(io: CliIo, flags: PathFlags = {}): Config {
  const config = loadConfig(io.env);
  const abs = (p: string) => path.resolve(io.cwd, p);
  return {
    ...config,
    DATA_DIR: abs(flags.data ?? config.DATA_DIR),
    ISSUES_DIR: abs(flags.issues ?? config.ISSUES_DIR),
    DATABASE_PATH: abs(flags.db ?? config.DATABASE_PATH),
    OUTBOX_DIR: abs(flags.outbox ?? config.OUTBOX_DIR),
    HEALTH_FILE: abs(config.HEALTH_FILE),
  };
}

/** Options shared by commands; each command adds the ones whose folders it reads. */
export const withData = (cmd: Command) =>
  cmd.option('--data <dir>', 'content folder (default: DATA_DIR or ./data)');
export const withIssues = (cmd: Command) =>
  cmd.option('--issues <dir>', 'archive folder (default: ISSUES_DIR or ./issues)');
export const withDb = (cmd: Command) =>
  cmd.option('--db <file>', 'SQLite database (default: DATABASE_PATH or ./.verdicts/verdicts.db)');
export const withOutbox = (cmd: Command) =>
  cmd.option('--outbox <dir>', 'outbox folder when no RESEND_API_KEY is set');

/** Each command module exports one of these; `setExit` reports a non-zero outcome without throwing. */
export type RegisterCommand = (
  program: Command,
  io: CliIo,
  setExit: (code: number) => void,
) => void;
