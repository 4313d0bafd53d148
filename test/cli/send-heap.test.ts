// `verdicts send` in a child started with a heap too small for the issue: refused before
// anything is frozen or sent, naming the settings to change.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useChildren } from '../fault/child.ts';
import { sendWorkspace } from '../send/send-fixture.ts';

const spawnSend = useChildren();

describe('verdicts send: heap check', () => {
  it('a six-pair issue with a 64 MB heap: exit 1, nothing frozen, nothing in the outbox', async () => {
    const ws = await sendWorkspace({ subscribers: 3, pairs: 6 });
    const res = await spawnSend(
      ws.args(),
      ws.env({ NODE_OPTIONS: '--max-old-space-size=64 --max-semi-space-size=1' }),
    ).done;
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(
      /sending 2026-W48 needs about \d+ MB of heap with SEND_MAX_IN_FLIGHT=4, and this process has 67 MB: raise --max-old-space-size in NODE_OPTIONS or lower SEND_MAX_IN_FLIGHT/,
    );
    expect(ws.db().prepare('SELECT COUNT(*) AS n FROM issue_sends').get()).toEqual({ n: 0 });
    expect(existsSync(ws.outboxDir)).toBe(false);
    ws.close();
  });
});
