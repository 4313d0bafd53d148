import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Inputs copied into the repo (the Resend spec, the seed page): tests read nothing outside it. */
export const fixturesDir = path.join(repoRoot, 'test/fixtures');
export const dataDir = path.join(repoRoot, 'data');

/** The first line of every sample file in data/ (invented tools and pairs after the seed week). */
export const SAMPLE_MARK = '# SAMPLE CONTENT';

/** A cpSync filter that leaves data/'s sample files out: the seed alone. */
export const seedOnly = (src: string): boolean =>
  !src.endsWith('.yaml') || !readFileSync(src, 'utf8').includes(SAMPLE_MARK);
export const binPath = path.join(repoRoot, 'src/cli/bin.js');
/** Screenshots and other evidence tests keep; git-ignored. */
export const artifactsDir = path.join(repoRoot, 'test-artifacts');

export const tempDir = (prefix = 'verdicts-') => mkdtempSync(path.join(tmpdir(), prefix));
