// Build a week the way `verdicts build` does (through the composition root), for fixtures.
// The database is a temp file unless the config names one: a test never opens the working
// copy's .verdicts/.
import path from 'node:path';
import type { Config } from '../../src/config.ts';
import { parseWeek } from '../../src/content/index.ts';
import {
  type BuildResult,
  type BuildWeekOptions,
  buildWeek,
  type Pipeline,
  withPipeline,
} from '../../src/pipeline/index.ts';
import { tempDir } from './paths.ts';

const DEFAULT_DB = '.verdicts/verdicts.db';

export function hermetic(config: Config): Config {
  if (config.DATABASE_PATH !== DEFAULT_DB) return config;
  return { ...config, DATABASE_PATH: path.join(tempDir('verdicts-db-'), 'verdicts.db') };
}

export function weekOf(id: string) {
  const w = parseWeek(id);
  if (!w.ok) throw new Error(w.error);
  return w.value;
}

export function buildFor(
  config: Config,
  week: string,
  opts: BuildWeekOptions,
  setup?: (p: Pipeline) => void | Promise<void>,
): Promise<BuildResult> {
  return withPipeline(hermetic(config), async (p) => {
    await setup?.(p);
    return buildWeek(p, weekOf(week), opts);
  });
}

/** A build the caller expects to succeed: its issue, rendering and sizes. */
export async function builtFor(config: Config, week: string, opts: BuildWeekOptions) {
  const res = await buildFor(config, week, opts);
  if (res.status !== 'built') throw new Error(`${week} did not build: ${res.status}`);
  return res;
}
