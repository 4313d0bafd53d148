// Run the CLI in-process with injected streams and environment, as a test would a user. The
// environment holds only what the test gives, over temp paths for everything a run writes, so
// a default never lands in the working copy's .verdicts/ or issues/.
import { main } from '../../src/cli/main.ts';
import { isolatedPaths } from './isolated-env.ts';

export type CliRun = { code: number; stdout: string; stderr: string };

export async function runCli(
  args: string[],
  opts: { env?: Record<string, string | undefined>; cwd?: string; signal?: AbortSignal } = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    env: { ...isolatedPaths(), ...opts.env },
    cwd: opts.cwd ?? process.cwd(),
    isTTY: false,
    signal: opts.signal ?? new AbortController().signal,
  });
  return { code, stdout, stderr };
}
