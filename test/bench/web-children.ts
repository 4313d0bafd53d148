// The web-ingest bench's server processes: `verdicts serve` (bin.js, which runs the compiled
// bundle an installed `verdicts` runs) or the store-less baseline (storeless-server.ts), each
// on a free loopback port. Both log a JSON line per request: their output is drained as it
// comes (a full pipe would stall the server), keeping the lines logged at level error.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { childEnv } from '../support/isolated-env.ts';
import { binPath, repoRoot } from '../support/paths.ts';

export type WebChild = {
  /** Where it listens: http://127.0.0.1:port */
  url: string;
  pid: number;
  /** Lines it logged at level error (at most 20). */
  errors: string[];
  /** SIGTERM, then its exit code (SIGKILL after 15 s). */
  stop(): Promise<number | null>;
};

const BASELINE = path.join(repoRoot, 'test/bench/storeless-server.ts');

/** `dir`: this child's own folder (its temp paths and, for serve, its empty working folder). */
export async function startWebChild(
  kind: 'serve' | 'storeless',
  env: Record<string, string>,
  dir: string,
): Promise<WebChild> {
  mkdirSync(dir, { recursive: true });
  const args =
    kind === 'serve'
      ? [binPath, 'serve', '--port', '0', '--host', '127.0.0.1']
      : ['--import', 'tsx', BASELINE];
  const child = spawn(process.execPath, args, {
    // serve reads a .env from its working folder: an empty one, so the repo's is never found.
    // The baseline reads only its environment, and needs the repo's tsx.
    cwd: kind === 'serve' ? dir : repoRoot,
    env: childEnv(env, dir),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const errors: string[] = [];
  const stderr: string[] = [];
  const keep = (line: string) => {
    if (line.includes('"level":"error"') && errors.length < 20) errors.push(line);
  };
  createInterface({ input: child.stderr! }).on('line', (line) => {
    keep(line);
    stderr.push(line);
    if (stderr.length > 20) stderr.shift();
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const url = await new Promise<string>((resolve, reject) => {
    let found = false;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      keep(line);
      if (found || !line.includes('"listening"')) return;
      found = true;
      resolve((JSON.parse(line) as { bound: string }).bound);
    });
    void exited.then((code) =>
      reject(new Error(`${kind} exited (${code}) before listening: ${stderr.join(' | ')}`)),
    );
  });
  return { url, pid: child.pid!, errors, stop: () => stop(child, exited) };
}

async function stop(child: ChildProcess, exited: Promise<number | null>): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  child.kill('SIGTERM');
  const late = setTimeout(() => child.kill('SIGKILL'), 15_000);
  try {
    return await exited;
  } finally {
    clearTimeout(late);
  }
}
