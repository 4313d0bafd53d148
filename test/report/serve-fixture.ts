// `verdicts serve` in-process for report tests (real HTTP on 127.0.0.1, port 0), and Resend
// webhook events signed with the webhook secret the way Svix signs them.
import { afterEach } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { isolatedPaths } from '../support/isolated-env.ts';
import { repoRoot } from '../support/paths.ts';
import { signWebhook } from '../support/webhook-sign.ts';

export const WEBHOOK_SECRET = `whsec_${Buffer.from('report-webhook-key-0123456789').toString('base64')}`;

type Serving = { url: string; stop: () => Promise<number> };

/** Call at the top of a file: `serve(args, env)`; every server is stopped after each test. */
export function useServe() {
  const running: Serving[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.stop()));
  });
  return async (args: string[], env: Record<string, string>): Promise<Serving> => {
    const stop = new AbortController();
    let listening!: (url: string) => void;
    const url = new Promise<string>((r) => {
      listening = r;
    });
    const lines: string[] = [];
    const exit = main(['serve', '--port', '0', '--host', '127.0.0.1', ...args], {
      stdout: (t) => {
        lines.push(t);
        const entry = JSON.parse(t);
        if (entry.event === 'listening') listening(entry.url);
      },
      stderr: (t) => lines.push(t),
      env: { ...isolatedPaths(), RESEND_WEBHOOK_SECRET: WEBHOOK_SECRET, ...env },
      cwd: repoRoot,
      isTTY: false,
      signal: stop.signal,
    });
    const first = await Promise.race([url, exit.then((code) => `exit ${code}: ${lines.join('')}`)]);
    if (!first.startsWith('http')) throw new Error(`serve did not start: ${first}`);
    let stopped: Promise<number> | undefined;
    const serving = {
      url: first,
      stop: () => {
        if (!stopped) {
          stop.abort();
          stopped = exit;
        }
        return stopped;
      },
    };
    running.push(serving);
    return serving;
  };
}

export type EventTarget = { id: string; to: string };

/** A Resend email event as its webhook body (BaseEmailEventData plus the type's own field). */
export const eventBody = (type: string, target: EventTarget, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    type,
    created_at: '2026-11-30T09:10:00.000Z',
    data: {
      created_at: '2026-11-30T09:00:00.000Z',
      email_id: target.id,
      message_id: `<${target.id}@resend.dev>`,
      from: 'Weekly AI Tool Verdicts <news@verdicts.example>',
      to: [target.to],
      subject: 'This week',
      ...extra,
    },
  });

/** POST one signed delivery; the answer's outcome ('recorded' | 'duplicate'). */
export async function postEvent(url: string, body: string, svixId: string): Promise<string> {
  const headers = signWebhook({
    secret: WEBHOOK_SECRET,
    id: svixId,
    timestamp: Math.floor(Date.now() / 1000),
    body,
  });
  const res = await fetch(`${url}/webhooks/resend`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  if (res.status !== 200) throw new Error(`webhook answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { outcome: string }).outcome;
}
