import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { jsonSchemas } from '../../content/index.ts';
import { type CliIo, type PathFlags, resolveConfig, withData } from '../context.ts';

export function registerSchema(program: Command, io: CliIo): void {
  withData(program.command('schema'))
    .description('write JSON Schemas for the data files to <data>/schema/ (editor completion)')
    .action(async (flags: PathFlags) => {
      const dir = path.join(resolveConfig(io, flags).DATA_DIR, 'schema');
      await mkdir(dir, { recursive: true });
      for (const [name, text] of Object.entries(jsonSchemas())) {
        await writeFile(path.join(dir, name), text);
        io.stdout(`wrote ${path.join(dir, name)}\n`);
      }
    });
}
