// One mechanism keeps every test off the working copy: each CLI run, child process and server a
// test starts gets its own temp database, outbox, archive and health file, and none of the
// developer's settings (a .env in the repo, or exported in the shell). Data and fixtures are
// read-only inputs, so DATA_DIR may still point at the repo's data/.
import path from 'node:path';
import { Config } from '../../src/config.ts';
import { tempDir } from './paths.ts';

/** Every setting the product reads: none of them may reach a test from the developer. */
export const SETTINGS: readonly string[] = Object.keys(Config.shape);

/** Fresh, empty places for everything a run writes. */
export function isolatedPaths(dir = tempDir('verdicts-ws-')): Record<string, string> {
  return {
    DATABASE_PATH: path.join(dir, 'verdicts.db'),
    OUTBOX_DIR: path.join(dir, 'outbox'),
    ISSUES_DIR: path.join(dir, 'issues'),
    HEALTH_FILE: path.join(dir, 'health.json'),
  };
}

/**
 * The environment of a child process: PATH and the system's own variables, temp paths, then
 * what the test gives. No setting of the developer's survives (the child also runs in an empty
 * folder, so the repo's .env, read from the working directory, is never found). `dir`: where
 * its temp paths go (default: a new temp folder), for a caller that removes what it made.
 */
export function childEnv(
  env: Record<string, string | undefined> = {},
  dir?: string,
): Record<string, string> {
  const system = Object.entries(process.env).filter(
    ([k]) => !SETTINGS.includes(k) && !k.startsWith('RESEND_'),
  );
  const merged = { ...Object.fromEntries(system), ...isolatedPaths(dir), ...env };
  return Object.fromEntries(
    Object.entries(merged).filter((e): e is [string, string] => e[1] !== undefined),
  );
}

/** A working directory for a child: empty, so no .env is found in it. */
export const childCwd = () => tempDir('verdicts-child-');
