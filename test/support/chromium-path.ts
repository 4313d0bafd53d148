// Which Chromium the browser tests drive: CHROMIUM_PATH when set (it must exist), otherwise the
// build that ships inside the @sparticuz/chromium npm package, so `npm ci` alone brings a browser
// (no apt package, no download). It unpacks itself into the temp folder on first use (~2 s);
// the global setup does that once, before any worker starts, so two workers never race it.
import { existsSync } from 'node:fs';

export async function resolveChromium(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const override = env['CHROMIUM_PATH'];
  if (override) {
    if (!existsSync(override)) throw new Error(`CHROMIUM_PATH=${override} does not exist`);
    return override;
  }
  const { default: bundled } = await import('@sparticuz/chromium');
  // Its graphics stack (SwiftShader) is for WebGL, which no test uses.
  bundled.setGraphicsMode = false;
  return bundled.executablePath();
}
