// `verdicts preview`: the editors' local web app. Every week (archived and drafts), the email
// at desktop and phone widths, light and dark, its text and source, size and lint findings,
// live reload on save, and "send a test". Runs until SIGINT/SIGTERM, then closes cleanly.
import path from 'node:path';
import type { Command } from 'commander';
import { VerdictsError } from '../../errors.ts';
import { openPipeline } from '../../pipeline/index.ts';
import { DEFAULT_TEMPLATES_DIR } from '../../render/index.ts';
import { startPreviewServer } from '../../web/preview/index.ts';
import {
  type CliIo,
  type PathFlags,
  resolveConfig,
  withData,
  withIssues,
  withOutbox,
} from '../context.ts';

type Flags = PathFlags & { port?: string; host?: string; templates?: string };

export function registerPreview(program: Command, io: CliIo): void {
  withOutbox(withIssues(withData(program.command('preview'))))
    .description('open a local preview of every week, with live reload and test sends')
    .option('--port <n>', 'port to listen on, 0 for any free one (default: PREVIEW_PORT or 4000)')
    .option('--host <addr>', 'address to bind (default: HOST or 127.0.0.1)')
    .option('--templates <dir>', "email templates folder (default: the repository's templates/)")
    .action(async (flags: Flags) => {
      const config = resolveConfig(io, flags);
      const port = flags.port === undefined ? config.PREVIEW_PORT : parsePort(flags.port);
      const host = flags.host ?? config.HOST;
      const templatesDir = flags.templates
        ? path.resolve(io.cwd, flags.templates)
        : DEFAULT_TEMPLATES_DIR;
      if (io.signal.aborted) return;
      const pipeline = openPipeline(config);
      const server = await startPreviewServer({
        config,
        pipeline,
        templatesDir,
        cwd: io.cwd,
        now: () => new Date(),
        host,
        port,
        say: (line) => io.stderr(`${line}\n`),
      });
      io.stdout(`Preview running at ${server.url}  (Ctrl+C to stop)\n`);
      await new Promise<void>((resolve) => {
        if (io.signal.aborted) resolve();
        else io.signal.addEventListener('abort', () => resolve(), { once: true });
      });
      await server.close();
      await pipeline.close();
      io.stdout('Preview stopped.\n');
    });
}

function parsePort(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new VerdictsError('cli', 'bad_port', `--port: "${text}" is not a port (0 to 65535)`);
  }
  return n;
}
