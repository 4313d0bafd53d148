// A preview server over temp copies of data/ and templates/, with one archived week (W47), a
// draft for the current week (W48) and a fixed clock, so tests can edit and break files freely.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Config, loadConfig } from '../../src/config.ts';
import { openPipeline } from '../../src/pipeline/index.ts';
import { loadTemplates } from '../../src/render/templates.ts';
import { createTransport } from '../../src/send/create-transport.ts';
import {
  type PreviewServer,
  startPreviewServer,
} from '../../src/web/preview/start-preview-server.ts';
import { buildFor } from './build-week.ts';
import { dataDir, repoRoot, seedOnly, tempDir } from './paths.ts';

/** Saturday of 2026-W48: W48 is "this week", W49 "next week". */
export const PREVIEW_NOW = new Date('2026-11-28T12:00:00Z');
export const ARCHIVED_WEEK = '2026-W47';
export const DRAFT_WEEK = '2026-W48';
export const NEXT_WEEK = '2026-W49';
export const W47_PAIR = 'code-llama-4-vs-smolvlm2-rematch';

export type PreviewFixture = {
  root: string;
  config: Config;
  templatesDir: string;
  server: PreviewServer;
  url: (p: string) => string;
  /** A path inside the temp data folder. */
  data: (p: string) => string;
  read: (file: string) => string;
  write: (file: string, text: string) => void;
  close: () => Promise<void>;
};

/** The repo's single comparison again, as an earlier pair published in W47. */
function addW47Pair(data: string) {
  const source = readFileSync(
    path.join(data, 'comparisons/2026-11-24-smolvlm2-vs-code-llama-4.yaml'),
    'utf8',
  );
  const text = source
    .replace(/^id: .*$/m, `id: ${W47_PAIR}`)
    .replace(/^publishedAt: .*$/m, 'publishedAt: 2026-11-17')
    .replace(/^headline: .*$/m, 'headline: SmolVLM2 vs Code Llama 4, the first look');
  writeFileSync(path.join(data, `comparisons/2026-11-17-${W47_PAIR}.yaml`), text);
}

export async function startPreviewFixture(
  opts: { archive?: boolean; debounceMs?: number; sample?: boolean } = {},
): Promise<PreviewFixture> {
  const root = tempDir('verdicts-preview-');
  const data = path.join(root, 'data');
  const templatesDir = path.join(root, 'templates');
  // The seed alone: the weeks after it must stay empty here (data/ keeps sample pairs there).
  cpSync(dataDir, data, { recursive: true, filter: opts.sample ? () => true : seedOnly });
  cpSync(path.join(repoRoot, 'templates'), templatesDir, { recursive: true });
  mkdirSync(path.join(root, 'issues'));
  addW47Pair(data);
  const config: Config = {
    ...loadConfig({}),
    DATA_DIR: data,
    ISSUES_DIR: path.join(root, 'issues'),
    OUTBOX_DIR: path.join(root, 'outbox'),
    DATABASE_PATH: path.join(root, 'verdicts.db'),
  };
  if (opts.archive !== false) {
    const templates = await loadTemplates(templatesDir);
    await buildFor(config, ARCHIVED_WEEK, { at: PREVIEW_NOW, templates });
  }
  const pipeline = openPipeline(config, {
    transport: createTransport(config, { now: () => PREVIEW_NOW }),
  });
  const server = await startPreviewServer({
    config,
    pipeline,
    templatesDir,
    pageTemplatesDir: path.join(templatesDir, 'preview'),
    cwd: root,
    now: () => PREVIEW_NOW,
    host: '127.0.0.1',
    port: 0,
    ...(opts.debounceMs === undefined ? {} : { debounceMs: opts.debounceMs }),
  });
  const inRoot = (p: string) => path.join(root, p);
  return {
    root,
    config,
    templatesDir,
    server,
    url: (p) => new URL(p, server.url).toString(),
    data: (p) => path.join(data, p),
    read: (file) => readFileSync(inRoot(file), 'utf8'),
    write: (file, text) => writeFileSync(inRoot(file), text),
    close: async () => {
      await server.close();
      pipeline.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
