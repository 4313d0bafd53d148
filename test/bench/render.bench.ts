// Rendering and personalisation speed. Render once per issue (MJML is slow, and that is fine
// once a week); personalise per recipient, which must scale to large lists. Personalising is
// measured as the sender does it: each reader's values between the issue's shared segments,
// then each batch of 100 as the Resend request body (resend-batch-body.ts). Its ceiling is
// memcpy of the same number of bytes, measured in the same run; the baselines are what
// "render per recipient" would cost, measured on a small sample, and the same bodies copied
// into one buffer each (what a transport that needs contiguous bytes would pay on top).
import { compileFiller, compilePersonaliser } from '../../src/render/personalise.ts';
import { renderIssue } from '../../src/render/render-issue.ts';
import { loadTemplates } from '../../src/render/templates.ts';
import { batchBody } from '../../src/send/resend-batch-body.ts';
import type { OutgoingEmail } from '../../src/send/transport.ts';
import { LINKS, RENDER_OPTS, seedIssue, sixPairIssue } from '../support/issue-fixtures.ts';
import type { BenchRow } from './types.ts';

const RECIPIENTS = 100_000;
const BASELINE_SAMPLE = 20;
const RENDER_RUNS = 7;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function bench(): Promise<BenchRow[]> {
  const templates = await loadTemplates();
  const issue = await seedIssue();
  const opts = { ...RENDER_OPTS, templates };
  await renderIssue(issue, opts); // warm-up: MJML and Handlebars first-call costs
  const times: number[] = [];
  for (let i = 0; i < RENDER_RUNS; i++) {
    const t = performance.now();
    await renderIssue(issue, opts);
    times.push(performance.now() - t);
  }
  const six = await sixPairIssue();
  const sixTimes: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    await renderIssue(six, opts);
    sixTimes.push(performance.now() - t);
  }

  const rendered = await renderIssue(six, opts);
  const fill = compileFiller(rendered, six);
  const tags = [{ name: 'issue', value: six.week }];
  const email = (id: number): OutgoingEmail => {
    const to = `reader${id}@example.com`;
    const p = fill({ subscriberId: id, email: to, name: null }, LINKS);
    const from = 'Weekly AI Tool Verdicts <news@verdicts.example>';
    return {
      from,
      to,
      subject: 'Six verdicts',
      html: p.html,
      text: p.text,
      headers: { ...p.headers },
      tags,
    };
  };
  const batchOf = (first: number) =>
    batchBody(Array.from({ length: 100 }, (_, i) => email(first + i)));
  for (let id = 1; id <= 2_000; id += 100) batchOf(id); // warm-up
  let bytes = 0;
  let check = 0;
  const t0 = performance.now();
  for (let id = 1; id <= RECIPIENTS; id += 100) {
    const body = batchOf(id);
    bytes += body.length;
    check += body.chunks.length;
  }
  const seconds = (performance.now() - t0) / 1000;
  const rate = RECIPIENTS / seconds;
  const mbps = bytes / 2 ** 20 / seconds;

  // The ceiling: memcpy of the same bytes, batch by batch, into one reused buffer.
  const perBatch = Math.ceil(bytes / (RECIPIENTS / 100));
  const src = Buffer.alloc(perBatch, 0x61);
  const dst = Buffer.alloc(perBatch);
  src.copy(dst);
  const tc = performance.now();
  for (let copied = 0; copied < bytes; copied += perBatch) check += src.copy(dst) & 1;
  const memcpyMbps = bytes / 2 ** 20 / ((performance.now() - tc) / 1000);

  // The same bodies made contiguous (one copy each), for comparison only.
  const tm = performance.now();
  for (let id = 1; id <= RECIPIENTS / 4; id += 100) check += Buffer.concat(batchOf(id).chunks)[0]!;
  const contiguousRate = RECIPIENTS / 4 / ((performance.now() - tm) / 1000);

  const t1 = performance.now();
  for (let id = 1; id <= BASELINE_SAMPLE; id++) {
    const fresh = await renderIssue(six, opts);
    const msg = compilePersonaliser(fresh, six)(
      { subscriberId: id, email: `r${id}@example.com` },
      LINKS,
    );
    check += Buffer.byteLength(msg.html) + Buffer.byteLength(msg.text);
  }
  const baseline = BASELINE_SAMPLE / ((performance.now() - t1) / 1000);
  if (check === 0) throw new Error('nothing materialised');

  return [
    {
      name: 'render seed issue (1 pair, MJML once)',
      value: median(times),
      unit: 'ms (median of 7)',
    },
    { name: 'render six-pair issue', value: median(sixTimes), unit: 'ms (median of 3)' },
    {
      name: `personalise six-pair issue × ${RECIPIENTS.toLocaleString('en-US')} into batch bodies`,
      value: rate,
      unit: 'msgs/s',
      target: '>= 60,000 msgs/s',
      pass: rate >= 60_000,
    },
    {
      name: 'batch body produced',
      value: mbps,
      unit: 'MB/s',
      baseline: { name: 'memcpy of the same bytes', value: memcpyMbps },
      ratio: mbps / memcpyMbps,
      target: '>= 0.5×',
      pass: mbps / memcpyMbps >= 0.5,
    },
    {
      name: 'personalise into contiguous bodies (info: one more copy of every byte)',
      value: contiguousRate,
      unit: 'msgs/s',
    },
    {
      name: 'personalise vs compile-per-recipient',
      value: rate,
      unit: 'msgs/s',
      baseline: { name: `MJML per recipient (${BASELINE_SAMPLE} sampled)`, value: baseline },
      ratio: rate / baseline,
      target: '>= 300×',
      pass: rate / baseline >= 300,
    },
  ];
}
