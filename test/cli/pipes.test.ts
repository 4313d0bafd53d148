// The CLI in a pipe whose reader goes away (`verdicts pairs | head`): the command ends quietly
// with its normal exit code, no EPIPE stack trace. Real child processes: only they have a pipe.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { childCwd, childEnv } from '../support/isolated-env.ts';
import { binPath, dataDir, tempDir } from '../support/paths.ts';

function runWithClosedStdout(args: string[]) {
  const child = spawn(process.execPath, [binPath, ...args], {
    cwd: childCwd(),
    env: childEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The reader hangs up before the command has written anything, as `head -0` would.
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  return new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.once('close', (code) => resolve({ code, stderr })),
  );
}

describe('verdicts in a closed pipe', () => {
  it('pairs: exit 0, nothing on stderr', async () => {
    const res = await runWithClosedStdout([
      'pairs',
      '--week',
      '2026-W48',
      '--data',
      dataDir,
      '--issues',
      tempDir('verdicts-empty-'),
    ]);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
  }, 30_000);

  it('check on an empty data folder: still exit 1, no EPIPE trace', async () => {
    const res = await runWithClosedStdout(['check', '--data', tempDir('verdicts-nodata-')]);
    expect(res.code).toBe(1);
    expect(res.stderr).not.toMatch(/EPIPE|unexpected error/);
  }, 30_000);
});
