// First contact: a developer runs `verdicts serve` on the defaults (HOST=127.0.0.1, a loopback
// PUBLIC_BASE_URL), opens the URL its `listening` line prints, and subscribes. Before issue 27
// the page came from 127.0.0.1 while its form and stylesheet pointed at localhost, so the CSP
// blocked both and nothing happened on Subscribe. Screenshots: test-artifacts/first-contact-*.png.
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { artifactPath, screenshot, useBrowser } from '../support/browser.ts';
import { isolatedPaths } from '../support/isolated-env.ts';
import { repoRoot } from '../support/paths.ts';

const browser = useBrowser();

type Serving = { url: string; bound: string; lines: string[]; stop: () => Promise<number> };
const running: Serving[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

/** `verdicts serve` in-process with only the given settings (the rest are the defaults). */
async function serve(
  args: string[],
  env: Record<string, string> = {},
  paths: Record<string, string> = isolatedPaths(),
): Promise<Serving> {
  const stop = new AbortController();
  const lines: string[] = [];
  let listening!: (entry: { url: string; bound: string }) => void;
  const started = new Promise<{ url: string; bound: string }>((r) => {
    listening = r;
  });
  const exit = main(['serve', ...args], {
    stdout: (t) => {
      lines.push(t);
      const entry = JSON.parse(t);
      if (entry.event === 'listening') listening(entry);
    },
    stderr: (t) => lines.push(t),
    env: { ...paths, ...env },
    cwd: repoRoot,
    isTTY: false,
    signal: stop.signal,
  });
  const first = await Promise.race([started, exit.then((code) => code)]);
  if (typeof first === 'number') throw new Error(`serve exited ${first}: ${lines.join('')}`);
  const serving = {
    ...first,
    lines,
    stop: () => {
      stop.abort();
      return exit;
    },
  };
  running.push(serving);
  return serving;
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

/** Open `url`, subscribe, and wait for the confirmation page; CSP violations are collected. */
async function subscribeAt(url: string, ports: number[], name: string) {
  const page = await browser.page({ width: 800 });
  for (const port of ports)
    for (const host of ['localhost', '127.0.0.1', '[::1]'])
      await page.route(`http://${host}:${port}/**`, (route) => route.continue());
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  await page.goto(url);
  await page.getByLabel('Email address').fill('ada@example.com');
  await page.getByRole('button', { name: 'Subscribe' }).click();
  await page.getByRole('heading', { name: 'Check your inbox' }).waitFor({ timeout: 10_000 });
  expect(new URL(page.url()).hostname).toBe('localhost');
  await screenshot(page, { path: artifactPath(`first-contact-${name}.png`), fullPage: true });
  // The stylesheet loaded: the page is styled, and nothing was blocked on the way.
  expect(problems).toEqual([]);
  await page.close();
}

describe('serve on the defaults, opened where it says', () => {
  it('--port 0 with the default PUBLIC_BASE_URL: the printed URL subscribes', {
    timeout: 60_000,
  }, async () => {
    const s = await serve(['--port', '0']);
    const port = Number(new URL(s.url).port);
    // The printed URL is the public one, following the picked port.
    expect(s.url).toBe(`http://localhost:${port}`);
    expect(s.lines.join('')).toContain(`pages and confirmation links use http://localhost:${port}`);
    await subscribeAt(`${s.url}/`, [port], 'port-0');
  });

  it('PORT and PUBLIC_BASE_URL agree on localhost: the page still works from 127.0.0.1', {
    timeout: 60_000,
  }, async () => {
    const port = await freePort();
    const s = await serve([], { PORT: String(port), PUBLIC_BASE_URL: `http://localhost:${port}` });
    expect(s.url).toBe(`http://localhost:${port}`);
    // The address it is bound to is a loopback alias of the public origin: a page asked for
    // there is sent to the public origin first, so a bookmark or an old log line still works.
    expect(s.bound).toBe(`http://127.0.0.1:${port}`);
    await subscribeAt(`${s.bound}/subscribe`, [port], 'loopback-alias');
  });

  it('a non-loopback PUBLIC_BASE_URL says in one line what fails at the bound address', async () => {
    const s = await serve(['--port', '0'], {
      PUBLIC_BASE_URL: 'https://verdicts.example.com',
      TOKEN_SECRET: 'a-long-random-secret-for-this-test',
    });
    const warning = s.lines.find((l) => l.includes('cannot subscribe'));
    expect(warning).toBeDefined();
    expect(warning).toContain(`pages opened at ${s.bound}`);
    expect(warning).toContain('set PUBLIC_BASE_URL=http://localhost:');
    // The printed URL is the bound one: the public site is the proxy's business.
    expect(s.url).toBe(s.bound);
    const res = await fetch(`${s.bound}/subscribe`);
    // Production keeps its strict CSP: no alias origins.
    expect(res.headers.get('content-security-policy')).toContain("form-action 'self';");
  });

  it('on the defaults, from the printed URL: subscribe, confirm from the email, then vote from the issue', {
    timeout: 120_000,
  }, async () => {
    const paths = isolatedPaths();
    const s = await serve(['--port', '0'], {}, paths);
    const port = Number(new URL(s.url).port);
    const page = await browser.page({ width: 800 });
    for (const host of ['localhost', '127.0.0.1'])
      await page.route(`http://${host}:${port}/**`, (route) => route.continue());
    await page.goto(`${s.url}/`);
    await page.getByLabel('Email address').fill('grace@example.com');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.getByRole('heading', { name: 'Check your inbox' }).waitFor({ timeout: 10_000 });

    // The confirmation email, as the outbox received it: its link is on the printed origin.
    const confirmPattern = /http:\/\/localhost:\d+\/confirm\/[^\s"<>]+/;
    await expect
      .poll(() => linkIn(paths.OUTBOX_DIR!, confirmPattern), { timeout: 20_000 })
      .toMatch(new RegExp(`^${s.url}/confirm/`));
    const confirmLink = linkIn(paths.OUTBOX_DIR!, confirmPattern)!;
    await page.goto(confirmLink);
    await page.getByRole('button', { name: 'Yes, subscribe me' }).click();
    await page.getByRole('heading', { name: 'You are subscribed' }).waitFor({ timeout: 10_000 });

    // The weekly send, with this site's settings, puts the issue with its vote links in the outbox.
    let out = '';
    const sent = await main(['send', '--week', '2026-W48'], {
      stdout: (t) => {
        out += t;
      },
      stderr: (t) => {
        out += t;
      },
      env: { ...paths, PUBLIC_BASE_URL: s.url },
      cwd: repoRoot,
      isTTY: false,
      signal: new AbortController().signal,
    });
    expect(sent, out).toBe(0);
    const vote = linkIn(
      paths.OUTBOX_DIR!,
      /http:\/\/localhost:\d+\/vote\/[^\s"<>]*smolvlm2[^\s"<>]*/,
    );
    expect(vote).toBeDefined();
    await page.goto(vote!);
    await page.getByRole('button', { name: 'Vote for SmolVLM2' }).click();
    await page.getByText('your vote for SmolVLM2 is in').waitFor({ timeout: 10_000 });
    await screenshot(page, { path: artifactPath('first-contact-voted.png'), fullPage: true });
    await page.close();
  });
});

/** The first link matching `pattern` in any .eml under the outbox (quoted-printable undone). */
function linkIn(outbox: string, pattern: RegExp): string | undefined {
  let files: string[];
  try {
    files = (readdirSync(outbox, { recursive: true }) as string[]).filter((f) =>
      f.endsWith('.eml'),
    );
  } catch {
    return undefined;
  }
  for (const f of files.sort()) {
    const text = readFileSync(path.join(outbox, f), 'utf8')
      .replace(/=\r?\n/g, '')
      .replace(/=3D/g, '=');
    const hit = pattern.exec(text)?.[0];
    if (hit) return hit;
  }
  return undefined;
}
