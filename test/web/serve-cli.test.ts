import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { childCwd, childEnv, isolatedPaths } from '../support/isolated-env.ts';
import { binPath, repoRoot, tempDir } from '../support/paths.ts';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

const workspace = () => {
  const dir = tempDir('verdicts-serve-');
  return ['--db', path.join(dir, 'v.db'), '--issues', path.join(dir, 'issues')];
};

describe('verdicts serve', () => {
  it('listens, serves, and stops cleanly when its signal aborts (in-process)', async () => {
    const lines: string[] = [];
    const stop = new AbortController();
    let listening: (url: string) => void;
    const url = new Promise<string>((r) => {
      listening = r;
    });
    const exit = main(['serve', '--port', '0', ...workspace()], {
      stdout: (t) => {
        lines.push(t);
        const entry = JSON.parse(t);
        if (entry.event === 'listening') listening(entry.url);
      },
      stderr: (t) => lines.push(t),
      env: isolatedPaths(),
      cwd: repoRoot,
      isTTY: false,
      signal: stop.signal,
    });
    const base = await url;
    // The default PUBLIC_BASE_URL is loopback, so the printed URL is it, on the picked port.
    expect(base).toMatch(/^http:\/\/localhost:\d+$/);
    expect(await (await fetch(`${base}/healthz`)).text()).toBe('ok');
    stop.abort();
    expect(await exit).toBe(0);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
    const events = lines.map((l) => JSON.parse(l).event);
    expect(events).toContain('RESEND_WEBHOOK_SECRET is not set: /webhooks/resend answers 503');
    expect(events.at(-1)).toBe('stopping');
  });

  it('refuses to start a public site on the development token secret', async () => {
    let err = '';
    const code = await main(['serve', '--port', '0', ...workspace()], {
      stdout: () => {},
      stderr: (t) => {
        err += t;
      },
      env: { PUBLIC_BASE_URL: 'https://verdicts.example.com' },
      cwd: repoRoot,
      isTTY: false,
      signal: new AbortController().signal,
    });
    expect(code).toBe(1);
    expect(err).toContain('TOKEN_SECRET is the development default');
  });

  it('exits 0 on SIGTERM as a real process', async () => {
    const child = spawn(process.execPath, [binPath, 'serve', '--port', '0', ...workspace()], {
      cwd: childCwd(),
      env: childEnv({ RESEND_WEBHOOK_SECRET: 'whsec_dGVzdA==' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let base = '';
    for await (const line of createInterface({ input: child.stdout! })) {
      const entry = JSON.parse(line);
      if (entry.event === 'listening') {
        base = entry.url;
        break;
      }
    }
    expect(await (await fetch(`${base}/healthz`)).text()).toBe('ok');
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });
});
