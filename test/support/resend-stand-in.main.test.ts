import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Resend } from 'resend';
import { afterEach, describe, expect, it } from 'vitest';
import { childEnv } from './isolated-env.ts';
import { emails } from './stand-in-fixture.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');
const children: ReturnType<typeof spawn>[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

describe('resend stand-in: standalone entry', () => {
  it('prints its url, serves stats and deliveries, and exits on SIGTERM', async () => {
    const main = path.join(here, 'resend-stand-in/main.ts');
    const args = [
      '--import',
      'tsx',
      main,
      '--port',
      '0',
      '--rate',
      '0',
      '--key',
      're_cli',
      '--no-bodies',
    ];
    const child = spawn(process.execPath, args, {
      cwd: repoRoot,
      env: childEnv(),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
    const { url } = JSON.parse(line) as { url: string };
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const resend = new Resend('re_cli', { baseUrl: url });
    const sent = await resend.batch.send(emails(3));
    expect(sent.error).toBeNull();
    await resend.batch.send(emails(1));
    const stats = await (await fetch(`${url}/__stand-in/stats`)).json();
    expect(stats).toEqual({
      accepted: 4,
      recipients: 3,
      duplicates: 1,
      requests: 2,
      byStatus: { 200: 2 },
    });
    const deliveries = (await (await fetch(`${url}/__stand-in/deliveries`)).json()) as unknown[];
    expect(deliveries).toHaveLength(4);
    expect(deliveries[0]).toEqual({ id: sent.data?.data[0]?.id, to: ['reader0@example.com'] });

    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  }, 20_000);
});
