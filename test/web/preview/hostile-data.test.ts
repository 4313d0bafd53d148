// The preview reads the same data folder as check: a FIFO, an oversized file or a dangling
// link there is a problem listed on the page, never a hung or crashed preview.
import { execFileSync } from 'node:child_process';
import { symlinkSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DRAFT_WEEK,
  type PreviewFixture,
  startPreviewFixture,
} from '../../support/preview-fixture.ts';

let f: PreviewFixture | undefined;
afterEach(async () => {
  await f?.close();
  f = undefined;
});

describe('preview on hostile data files', () => {
  it('lists a FIFO, a 20 MB file and a dangling link as problems and keeps answering', async () => {
    f = await startPreviewFixture({ archive: false });
    execFileSync('mkfifo', [f.data('tools/pipe.yaml')]);
    writeFileSync(f.data('tools/huge.yaml'), `id: huge\nx: ${'a'.repeat(20 * 1024 * 1024)}\n`);
    symlinkSync('nowhere.yaml.gone', f.data('tools/gone.yaml'));
    const res = await fetch(f.url(`/weeks/${DRAFT_WEEK}`));
    const html = await res.text();
    expect(res.status).toBeLessThan(500);
    for (const [file, why] of [
      ['tools/pipe.yaml', 'a FIFO (named pipe): not a regular file'],
      ['tools/huge.yaml', '20.0 MB, over the 1.0 MB cap (DATA_FILE_MAX_BYTES)'],
      ['tools/gone.yaml', 'a dangling symbolic link (its target does not exist)'],
    ]) {
      expect(html).toContain(file);
      expect(html).toContain(why);
    }
    // Still alive for the next request.
    expect((await fetch(f.url('/_preview/preview.css'))).status).toBe(200);
  }, 30_000);
});
