// The CLI entry: parse arguments, run one command, turn errors into exit codes. The only
// place that decides an exit status; bin.js hands it to the process.
import { Command, CommanderError } from 'commander';
import { loadDotEnv } from '../config.ts';
import { DATABASE_BUSY_MESSAGE, isDatabaseBusy } from '../db-busy.ts';
import { isVerdictsError } from '../errors.ts';
import type { CliIo, RegisterCommand } from './context.ts';
import { EXIT, exitCodeForError } from './exit-codes.ts';
import { ordinaryError } from './ordinary-errors.ts';

// Each command's module is imported only when that command runs (all of them for help), so a
// send does not pay for MJML or the web framework in start-up time and memory.
const COMMANDS: Record<string, () => Promise<RegisterCommand>> = {
  build: async () => (await import('./commands/build.ts')).registerBuild,
  check: async () => (await import('./commands/check.ts')).registerCheck,
  db: async () => (await import('./commands/db.ts')).registerDb,
  lint: async () => (await import('./commands/lint.ts')).registerLint,
  pairs: async () => (await import('./commands/pairs.ts')).registerPairs,
  preview: async () => (await import('./commands/preview.ts')).registerPreview,
  run: async () => (await import('./commands/run.ts')).registerRun,
  schedule: async () => (await import('./commands/schedule.ts')).registerSchedule,
  schema: async () => (await import('./commands/schema.ts')).registerSchema,
  send: async () => (await import('./commands/send.ts')).registerSend,
  stats: async () => (await import('./commands/stats.ts')).registerStats,
  serve: async () => (await import('./commands/serve.ts')).registerServe,
  subscribers: async () => (await import('./commands/subscribers.ts')).registerSubscribers,
};

/**
 * Commands that watch `io.signal` and stop at a checkpoint of their own on SIGINT/SIGTERM (a
 * send finishes its batch in flight and records it; servers finish their requests). Every
 * other command is ended by the first signal at once, with EXIT.incomplete: their writes are
 * transactions committed at their end (an exit before that commits nothing) or atomic renames.
 */
const STOPS_ITSELF: ReadonlySet<string> = new Set([
  'send',
  'run',
  'schedule',
  'serve',
  'preview',
  // Watches the signal between tables, rolls the target back and says so.
  'db copy',
]);

const commandName = (argv: string[]) => argv.find((a) => !a.startsWith('-'));

function commandsFor(argv: string[]): Promise<RegisterCommand[]> {
  const name = commandName(argv);
  const load = name === undefined ? undefined : COMMANDS[name];
  return Promise.all(load ? [load()] : Object.values(COMMANDS).map((l) => l()));
}

/**
 * A writer that goes quiet once its reader has gone (`verdicts pairs | head`): the rest of the
 * output has nobody to read it, which is no failure of the command, so it ends with its own
 * exit code instead of an EPIPE stack trace. Any other stream error is a real fault.
 */
function writerTo(stream: NodeJS.WriteStream): (text: string) => void {
  let closed = false;
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    closed = true;
  });
  return (text) => {
    if (!closed) stream.write(text);
  };
}

/** `exit` ends the process (bin.js passes process.exit); without it a signal only aborts. */
export function defaultIo(exit?: (code: number) => void): CliIo {
  // Settings from a .env file in the working directory, under what the environment already sets.
  loadDotEnv(process.cwd());
  const controller = new AbortController();
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => controller.abort(new Error(`received ${sig}`)));
  }
  return {
    stdout: writerTo(process.stdout),
    stderr: writerTo(process.stderr),
    env: process.env,
    cwd: process.cwd(),
    isTTY: Boolean(process.stdout.isTTY),
    signal: controller.signal,
    ...(exit ? { exit } : {}),
  };
}

/**
 * Why the first signal used to be ignored: the handlers above replace Node's default (end the
 * process) with an abort that only the long-running commands listen to, so an import reading
 * a FIFO or /dev/zero went on until a second signal killed it. Every other command ends here.
 */
function endOnSignal(argv: string[], io: CliIo): void {
  const { exit } = io;
  const [name, sub] = argv.filter((a) => !a.startsWith('-'));
  const stopsItself =
    name !== undefined && (STOPS_ITSELF.has(name) || STOPS_ITSELF.has(`${name} ${sub}`));
  if (!exit || stopsItself) return;
  const stop = () => {
    const why = (io.signal.reason as Error | undefined)?.message ?? 'aborted';
    io.stderr(
      `[verdicts] stopped (${why}): nothing was left half-written; run the same command again\n`,
    );
    exit(EXIT.incomplete);
  };
  if (io.signal.aborted) stop();
  else io.signal.addEventListener('abort', stop, { once: true });
}

export async function main(argv: string[], io: CliIo = defaultIo()): Promise<number> {
  let exitCode = 0;
  endOnSignal(argv, io);
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
  for (const register of await commandsFor(argv)) register(program, io, setExit);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (thrown) {
    if (thrown instanceof CommanderError) return thrown.exitCode === 0 ? EXIT.ok : EXIT.badInput;
    // SQLite refusing the file it was pointed at is the user's mistake, not a bug.
    const e = ordinaryError(thrown, argv, io) ?? thrown;
    if (isVerdictsError(e)) {
      io.stderr(`${e.message}\n${e.details.map((d) => `  ${d}\n`).join('')}`);
    } else if (isDatabaseBusy(e)) {
      // Not a bug here: the ledger keeps what was done, and the same command resumes it.
      io.stderr(
        `[verdicts] [store] stopped: ${DATABASE_BUSY_MESSAGE}; run the same command again once it is free\n`,
      );
    } else {
      io.stderr(`[verdicts] unexpected error: ${(e as Error).stack ?? String(e)}\n`);
    }
    return exitCodeForError(e);
  }
}
