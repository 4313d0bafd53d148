// What the preview app needs, injected so tests can point it at temp folders, a fixed clock
// and their own transport. The pipeline (the composition root's) does the work; the rest is
// what the pages show.
import type { Config } from '../../config.ts';
import type { Pipeline } from '../../pipeline/index.ts';
import type { ReloadHub } from './reload-hub.ts';

export type PreviewDeps = {
  /** Settings with DATA_DIR, ISSUES_DIR and OUTBOX_DIR already absolute (folders to watch). */
  config: Config;
  /** Drafts, archived weeks and test sends go through it (its transport, its store). */
  pipeline: Pipeline;
  /** The email templates (templates/ by default): the same folder the sender renders with. */
  templatesDir: string;
  /** The preview's own page templates (templates/preview/ by default). */
  pageTemplatesDir?: string;
  /** Where paths in error messages are shown relative to. */
  cwd: string;
  now: () => Date;
  hub: ReloadHub;
  /** The address given with --host: accepted in the Host header besides the loopback names. */
  boundHost?: string;
  /** Operator-facing lines (test sends, reloads); silent by default. */
  say?: (line: string) => void;
};
