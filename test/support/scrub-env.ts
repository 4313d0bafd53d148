// Runs in every test worker before its tests: the developer's settings are removed from this
// process (so `loadConfig()` and any `{ ...process.env }` see none of them), and whatever a
// test still resolves from the defaults lands in a temp folder, never in the working copy.
import { isolatedPaths, SETTINGS } from './isolated-env.ts';

for (const key of Object.keys(process.env)) {
  if (SETTINGS.includes(key) || key.startsWith('RESEND_')) delete process.env[key];
}
Object.assign(process.env, isolatedPaths());
