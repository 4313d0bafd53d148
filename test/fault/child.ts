// `verdicts send` as a real child process (node src/cli/bin.js …), so a test can kill -9 it.
// Every child is killed and awaited after each test: none outlives its test.
import { type ChildProcess, spawn } from 'node:child_process';
import { afterEach } from 'vitest';
import { childCwd, childEnv } from '../support/isolated-env.ts';
import { binPath } from '../support/paths.ts';

export type ChildResult = {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  pid: number;
};

export type SendChild = { child: ChildProcess; pid: number; done: Promise<ChildResult> };

export function useChildren() {
  const running = new Set<SendChild>();
  afterEach(async () => {
    const left = [...running];
    running.clear();
    for (const c of left)
      if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
    await Promise.all(left.map((c) => c.done));
  });
  return (args: string[], env: Record<string, string>): SendChild => {
    const child = spawn(process.execPath, [binPath, ...args], {
      // An empty folder: the CLI loads .env from its working directory, and a developer's own
      // .env (say, a real RESEND_API_KEY) must never reach a fault run.
      cwd: childCwd(),
      // Only what the test gives, over temp paths: no developer setting leaks into a fault run.
      env: childEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const done = new Promise<ChildResult>((resolve) => {
      child.on('close', (code, signal) =>
        resolve({ code, signal, stdout, stderr, pid: child.pid! }),
      );
    });
    const handle = { child, pid: child.pid!, done };
    running.add(handle);
    void done.then(() => running.delete(handle));
    return handle;
  };
}
