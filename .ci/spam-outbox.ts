// For .ci/spamassassin: send the seed issue (one pair) and a six-pair issue to one reader each
// through the real pipeline (`verdicts send`, outbox transport) in temp folders, and print the
// path of one .eml of each. Nothing in the working copy is read or written besides data/.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { sendWorkspace } from '../test/send/send-fixture.ts';
import { runCli } from '../test/support/cli.ts';

for (const pairs of [1, 6]) {
  const ws = await sendWorkspace({ subscribers: 1, withArchive: false, pairs });
  const res = await runCli(ws.args(), { env: ws.env() });
  if (res.code !== 0) {
    process.stderr.write(`send of the ${pairs}-pair issue failed (exit ${res.code}):\n${res.stderr}`);
    process.exit(1);
  }
  const eml = readdirSync(ws.outboxDir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.eml'))
    .sort()[0];
  if (!eml) throw new Error(`no .eml in ${ws.outboxDir}`);
  ws.close();
  process.stdout.write(`${pairs} ${path.join(ws.outboxDir, eml)}\n`);
}
