// The heap check against what measured runs showed (see src/send/heap-need.ts): the seed issue
// fits the 64 MB cap the benchmark uses, a six-pair issue does not, and more requests in
// flight need more. Sizes are those of the real built archives.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sendHeapFit } from '../../src/send/heap-need.ts';
import { seedArchive, WEEK } from './send-fixture.ts';

async function sizes(pairs: number) {
  const { issuesDir } = await seedArchive(pairs);
  const read = (f: string) => readFileSync(path.join(issuesDir, WEEK, f), 'utf8').length;
  return { htmlChars: read('email.html'), textChars: read('email.txt'), batchSize: 100 };
}

/** heap_size_limit for --max-old-space-size=N --max-semi-space-size=1. */
const capped = (oldSpaceMb: number) => oldSpaceMb + 3;

describe('sendHeapFit', () => {
  it('the seed issue fits a 64 MB heap with one request in flight, not a 36 MB one', async () => {
    const seed = await sizes(1);
    expect(sendHeapFit({ ...seed, maxInFlight: 1, limitMb: capped(64) }).fit).toBe('ok');
    expect(sendHeapFit({ ...seed, maxInFlight: 1, limitMb: capped(36) }).fit).toBe('too_small');
  });

  it('a six-pair issue is refused at 64 and 80 MB, and goes (tight) at 96', async () => {
    const six = await sizes(6);
    expect(sendHeapFit({ ...six, maxInFlight: 1, limitMb: capped(64) }).fit).toBe('too_small');
    expect(sendHeapFit({ ...six, maxInFlight: 1, limitMb: capped(80) }).fit).toBe('too_small');
    expect(sendHeapFit({ ...six, maxInFlight: 1, limitMb: capped(96) }).fit).toBe('tight');
  });

  it('each request in flight adds to the need: six pairs at 128 MB take two, not four', async () => {
    const six = await sizes(6);
    const at = (maxInFlight: number) => sendHeapFit({ ...six, maxInFlight, limitMb: capped(128) });
    expect(at(2).fit).not.toBe('too_small');
    expect(at(4).fit).toBe('too_small');
    expect(at(4).needMb).toBeGreaterThan(at(2).needMb);
  });

  it("Node's default heap is plenty for the largest issue", async () => {
    const six = await sizes(6);
    expect(sendHeapFit({ ...six, maxInFlight: 4, limitMb: 4144 }).fit).toBe('ok');
  });
});
