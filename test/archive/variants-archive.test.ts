// A week's variants in the archive (issue #26): each in issues/<week>/variants/<id>/ with its
// own content hash, listed in the week's, so a changed variant is caught like a changed issue;
// and the pre-send gate judges the variants' findings too.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readArchive } from '../../src/archive/read-email.ts';
import { contentHashText } from '../../src/archive/write-issue.ts';
import { loadConfig } from '../../src/config.ts';
import { issueVariants } from '../../src/content/index.ts';
import { gateArchive } from '../../src/pipeline/send-gate.ts';
import { finding } from '../../src/render/lint.ts';
import { buildFor } from '../support/build-week.ts';
import { dataDir, tempDir } from '../support/paths.ts';

const BASE = 'https://verdicts.example.com';
const WEEK = '2026-W49';
let issues: string;

beforeAll(async () => {
  issues = tempDir('verdicts-variants-');
  const config = {
    ...loadConfig({ PUBLIC_BASE_URL: BASE }),
    ISSUES_DIR: issues,
    DATA_DIR: dataDir,
  };
  // The seed week first, so the sample week carries the four sample pairs alone.
  await buildFor(config, '2026-W48', { at: new Date('2026-11-30T00:00:00Z') });
  await buildFor(config, WEEK, { at: new Date('2026-12-07T00:00:00Z') });
}, 60_000);

/** Every file of the week's folder by its name in content-hash.txt. */
function weekFiles(): Map<string, string> {
  const dir = path.join(issues, WEEK);
  const names = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((n) =>
    /\.(json|html|txt)$/.test(n),
  );
  return new Map(names.map((n) => [n, readFileSync(path.join(dir, n), 'utf8')]));
}

describe('variants in the archive', () => {
  it('are archived each with its own hash, listed in the week’s, and read back', async () => {
    const archived = (await readArchive(issues, WEEK))!;
    const ids = issueVariants(archived.issue).map((v) => v.id);
    expect(ids.length).toBeGreaterThan(0);
    expect([...archived.variants.keys()]).toEqual(ids);
    expect(archived.meta.variants?.map((v) => v.id)).toEqual(ids);
    const top = readFileSync(path.join(issues, WEEK, 'content-hash.txt'), 'utf8');
    for (const id of ids) {
      const own = readdirSync(path.join(issues, WEEK, 'variants', id)).sort();
      expect(own).toEqual([
        'content-hash.txt',
        'email.html',
        'email.txt',
        'index.html',
        'issue.json',
        'meta.json',
      ]);
      expect(top).toContain(`  variants/${id}/content-hash.txt\n`);
      expect(top).toContain(`  variants/${id}/email.html\n`);
      const v = archived.variants.get(id)!;
      expect(v.meta.subject).not.toBe(archived.meta.subject);
      expect(v.issue.pairs.length).toBeLessThan(archived.issue.pairs.length);
    }
  });

  it('a changed variant is refused: by the week’s hash, and by its own when the week’s is redone', async () => {
    const archived = (await readArchive(issues, WEEK))!;
    const id = [...archived.variants.keys()][0]!;
    const file = path.join(issues, WEEK, 'variants', id, 'email.html');
    const before = readFileSync(file, 'utf8');
    const topFile = path.join(issues, WEEK, 'content-hash.txt');
    const topBefore = readFileSync(topFile, 'utf8');
    try {
      writeFileSync(file, before.replace('</body>', '<p>edited</p></body>'));
      await expect(readArchive(issues, WEEK)).rejects.toThrow(/content-hash\.txt does not match/);
      // The week's hash rewritten over the edited file: the variant's own hash still refuses it.
      const files = weekFiles();
      files.delete('content-hash.txt');
      writeFileSync(topFile, contentHashText(files));
      await expect(readArchive(issues, WEEK)).rejects.toThrow(
        new RegExp(`variants/${id}/content-hash\\.txt does not match`),
      );
    } finally {
      writeFileSync(file, before);
      writeFileSync(topFile, topBefore);
    }
    expect((await readArchive(issues, WEEK))?.digest).toBe(archived.digest);
  });

  it('the gate refuses a finding of a variant unless it is accepted', async () => {
    const archived = (await readArchive(issues, WEEK))!;
    const id = [...archived.variants.keys()][0]!;
    const f = finding('size', `variant ${id} is too large`);
    const variants = new Map(archived.variants);
    const v = variants.get(id)!;
    variants.set(id, { ...v, meta: { ...v.meta, lint: [f] } });
    const withFinding = { ...archived, meta: { ...archived.meta, lint: [] }, variants };
    const refused = await gateArchive(withFinding, BASE, []);
    expect(refused).toMatchObject({ status: 'judged', verdict: { status: 'refused', open: [f] } });
    const accepted = await gateArchive(withFinding, BASE, [f.id]);
    expect(accepted).toMatchObject({ status: 'judged', verdict: { status: 'clear' } });
    // A variant built for another site is refused like the week.
    variants.set(id, { ...v, meta: { ...v.meta, baseUrl: 'https://elsewhere.example' } });
    expect(await gateArchive({ ...archived, variants }, BASE, [])).toMatchObject({
      status: 'wrong-base-url',
    });
  });
});
