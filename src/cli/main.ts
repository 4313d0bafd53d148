// The CLI entry: parse arguments, run one command, turn errors into exit codes. The only
// place that decides an exit status; bin.js hands it to the process.
import { Command, CommanderError } from 'commander';
import { loadDotEnv } from '../config.ts';
import { isVerdictsError } from '../errors.ts';
import { registerBuild } from './commands/build.ts';
import { registerCheck } from './commands/check.ts';
import { registerLint } from './commands/lint.ts';
import { registerPairs } from './commands/pairs.ts';
import { registerPreview } from './commands/preview.ts';
import { registerRun } from './commands/run.ts';
import { registerSchedule } from './commands/schedule.ts';
import { registerSchema } from './commands/schema.ts';
import { registerSend } from './commands/send.ts';
import { registerServe } from './commands/serve.ts';
import { registerSubscribers } from './commands/subscribers.ts';
import type { CliIo, RegisterCommand } from './context.ts';

const COMMANDS: RegisterCommand[] = [
  registerBuild,
  registerCheck,
  registerLint,
  registerPairs,
  registerPreview,
  registerRun,
  registerSchedule,
  registerSchema,
  registerSend,
  registerServe,
  registerSubscribers,
];

export function defaultIo(): CliIo {
  // Settings from a .env file in the working directory, under what the environment already sets.
  loadDotEnv(process.cwd());
  const controller = new AbortController();
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => controller.abort(new Error(`received ${sig}`)));
  }
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    cwd: process.cwd(),
    isTTY: Boolean(process.stdout.isTTY),
    signal: controller.signal,
  };
}

export async function main(argv: string[], io: CliIo = defaultIo()): Promise<number> {
  let exitCode = 0;
  const program = new Command('verdicts')
    .description(
      'Weekly AI Tool Verdicts: check content, build, preview, send and serve the newsletter',
    )
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError();
  const setExit = (code: number) => {
    exitCode = code;
  };
  for (const register of COMMANDS) register(program, io, setExit);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    if (isVerdictsError(e)) {
      io.stderr(`${e.message}\n${e.details.map((d) => `  ${d}\n`).join('')}`);
      return 1;
    }
    io.stderr(`[verdicts] unexpected error: ${(e as Error).stack ?? String(e)}\n`);
    return 2;
  }
}
