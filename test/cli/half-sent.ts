// A week whose send stopped part-way: 250 readers, one request in flight, and the provider's
// quota reached on the second request, so the first batch is submitted and the rest resumable.
import { expect } from 'vitest';
import { sendWorkspace } from '../send/send-fixture.ts';
import { runCli } from '../support/cli.ts';
import { KEY, type useStandIn } from '../support/stand-in-fixture.ts';

export async function halfSentWeek(start: ReturnType<typeof useStandIn>) {
  const { standIn } = await start({
    faults: ({ requestNo }) => (requestNo === 2 ? 'quota' : null),
  });
  const ws = await sendWorkspace({ subscribers: 250 });
  const env = ws.env({
    RESEND_API_KEY: KEY,
    RESEND_BASE_URL: standIn.url,
    SEND_MAX_IN_FLIGHT: '1',
  });
  const stopped = await runCli(ws.args(), { env });
  expect(stopped.code).toBe(3);
  return { ws, env, standIn };
}
