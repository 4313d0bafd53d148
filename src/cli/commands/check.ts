import type { Command } from 'commander';
import { formatProblem, loadContent } from '../../content/index.ts';
import { type CliIo, type PathFlags, resolveConfig, withData } from '../context.ts';

export function registerCheck(program: Command, io: CliIo): void {
  withData(program.command('check'))
    .description('validate every data file; lists every problem with file, line and field')
    .action(async (flags: PathFlags) => {
      const config = resolveConfig(io, flags);
      const { content, warnings } = await loadContent(config.DATA_DIR, {
        maxBytes: config.DATA_FILE_MAX_BYTES,
      });
      for (const w of warnings) io.stderr(`warning: ${formatProblem(w)}\n`);
      io.stdout(
        `ok: ${plural(content.lenses.length, 'lens', 'lenses')}, ${plural(content.tools.size, 'tool')}, ${plural(content.comparisons.length, 'comparison')} in ${config.DATA_DIR}\n`,
      );
    });
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
