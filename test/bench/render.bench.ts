// Rendering and personalisation speed. Render once per issue (MJML is slow, and that is fine
// once a week); personalise per recipient, which must scale to large lists. The baseline is
// what "render per recipient" would cost, measured on a small sample.
import { compilePersonaliser } from '../../src/render/personalise.ts';
import { renderIssue } from '../../src/render/render-issue.ts';
import { loadTemplates } from '../../src/render/templates.ts';
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
  const personalise = compilePersonaliser(rendered, six);
  const who = (id: number) => ({ subscriberId: id, email: `reader${id}@example.com`, name: null });
  let check = 0;
  const t0 = performance.now();
  for (let id = 1; id <= RECIPIENTS; id++) {
    const msg = personalise(who(id), LINKS);
    // Materialise both bodies: reading a character makes V8 flatten the joined string into
    // one contiguous string, as sending it would.
    check += msg.html.charCodeAt(msg.html.length >> 1) + msg.text.charCodeAt(msg.text.length >> 1);
  }
  const rate = RECIPIENTS / ((performance.now() - t0) / 1000);
  // The same with UTF-8 sizing on top (what a transport pays when it encodes the bodies).
  const t2 = performance.now();
  for (let id = 1; id <= RECIPIENTS / 4; id++) {
    const msg = personalise(who(id), LINKS);
    check += Buffer.byteLength(msg.html) + Buffer.byteLength(msg.text);
  }
  const encodedRate = RECIPIENTS / 4 / ((performance.now() - t2) / 1000);

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
      name: `personalise six-pair issue × ${RECIPIENTS.toLocaleString('en-US')}`,
      value: rate,
      unit: 'msgs/s',
      target: '>= 30,000 msgs/s',
      pass: rate >= 30_000,
    },
    {
      name: 'personalise + UTF-8 byte count (info)',
      value: encodedRate,
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
