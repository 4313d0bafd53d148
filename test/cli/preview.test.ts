import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { runCli } from '../support/cli.ts';
import { repoRoot, tempDir } from '../support/paths.ts';

/** Run `verdicts preview` in-process; resolves with the URL once it prints it. */
function startPreview(args: string[]) {
  const controller = new AbortController();
  let stdout = '';
  let stderr = '';
  let announce: (url: string) => void;
  const url = new Promise<string>((r) => {
    announce = r;
  });
  const exit = main(['preview', ...args], {
    stdout: (t) => {
      stdout += t;
      const m = /running at (http:\/\/\S+)/.exec(stdout);
      if (m) announce(m[1]!);
    },
    stderr: (t) => {
      stderr += t;
    },
    env: { OUTBOX_DIR: tempDir() },
    cwd: repoRoot,
    isTTY: false,
    signal: controller.signal,
  });
  return { url, exit, stop: () => controller.abort(), out: () => ({ stdout, stderr }) };
}

describe('verdicts preview', () => {
  it('binds 127.0.0.1, prints the URL, serves, and closes cleanly on the signal', async () => {
    const run = startPreview(['--port', '0', '--issues', tempDir()]);
    try {
      const url = await Promise.race([run.url, run.exit.then(() => 'exited')]);
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const res = await fetch(new URL('weeks/2026-W48', url));
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('Verdicts preview');
      // An open live-reload stream must not hold the shutdown.
      const events = await fetch(new URL('events', url));
      run.stop();
      expect(await run.exit).toBe(0);
      expect(run.out().stdout).toContain('Preview stopped.');
      await events.body?.cancel().catch(() => {});
      await expect(fetch(url)).rejects.toThrow();
    } finally {
      run.stop();
      await run.exit;
    }
  });

  it('fails with a clear message when the port is taken or invalid', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const taken = await runCli(['preview', '--port', String(port)], { cwd: repoRoot });
      expect(taken.code).toBe(1);
      expect(taken.stderr).toContain(`cannot listen on 127.0.0.1:${port}`);
    } finally {
      blocker.close();
    }
    const bad = await runCli(['preview', '--port', 'eighty'], { cwd: repoRoot });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--port');
  });
});
