import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { jsonSchemas } from '../../content/index.ts';
import { VerdictsError } from '../../errors.ts';
import { type CliIo, type PathFlags, resolveConfig, withData } from '../context.ts';

export function registerSchema(program: Command, io: CliIo): void {
  withData(program.command('schema'))
    .description('write JSON Schemas for the data files to <data>/schema/ (editor completion)')
    .action(async (flags: PathFlags) => {
      const data = resolveConfig(io, flags).DATA_DIR;
      await mustBeFolder(data);
      const dir = path.join(data, 'schema');
      await mkdir(dir, { recursive: true });
      for (const [name, text] of Object.entries(jsonSchemas())) {
        await writeFile(path.join(dir, name), text);
        io.stdout(`wrote ${path.join(dir, name)}\n`);
      }
    });
}

/**
 * The schemas belong in an existing content folder: a mistyped --data must not create a new
 * tree (and report success), and a file there is named, not met with an ENOTDIR stack trace.
 */
async function mustBeFolder(dir: string): Promise<void> {
  const found = await stat(dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return undefined;
    throw e;
  });
  if (found?.isDirectory()) return;
  throw new VerdictsError(
    'cli',
    'bad_folder',
    found
      ? `--data ${dir} is a file, not the content folder: point --data or DATA_DIR at the folder holding panel.yaml`
      : `--data ${dir}: no such folder; point --data or DATA_DIR at the content folder holding panel.yaml (nothing was written)`,
  );
}
