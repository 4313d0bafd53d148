// A batch no longer holds personalised copies of the email, so the largest issue sends with a
// heap far below what it used to need: before, a six-pair issue ran out of heap at a 64 MB cap
// even with one request in flight (and at 128 MB with four), so send refused to start. Here it
// is sent at 64 MB with the default four requests in flight, through the stand-in, every
// reader exactly once.
import { describe, expect, it } from 'vitest';
import { useChildren } from '../fault/child.ts';
import { sendWorkspace } from '../send/send-fixture.ts';
import { KEY, useStandIn } from '../support/stand-in-fixture.ts';

const spawnSend = useChildren();
const start = useStandIn();

describe('verdicts send: no heap tuning', () => {
  it('a six-pair issue to 800 readers with a 64 MB heap and 4 requests in flight: all sent once', async () => {
    const { standIn } = await start({ recordBodies: false });
    const ws = await sendWorkspace({ subscribers: 800, pairs: 6 });
    const env = ws.env({
      RESEND_API_KEY: KEY,
      RESEND_BASE_URL: standIn.url,
      RESEND_RATE_LIMIT: '1000',
      SEND_REQUEST_TIMEOUT_SECONDS: '60',
      NODE_OPTIONS: '--max-old-space-size=64',
    });
    const res = await spawnSend(ws.args(), env).done;
    expect(res.stderr).not.toMatch(/heap/i);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('sent 800, skipped 0, failed 0, uncertain 0');
    expect(standIn.stats()).toMatchObject({ accepted: 800, recipients: 800, duplicates: 0 });
    ws.close();
  }, 120_000);
});
