// `verdicts subscribers import FILE` and `subscribers suppress FILE`. Exit status: a malformed
// file is an error (exit 1, nothing changed); refused rows alone are not (exit 0): the good
// rows are in, the others are listed on stderr with their line numbers, and since import is
// idempotent the fixed file can simply be imported again.
import path from 'node:path';
import { type Command, Option } from 'commander';
import { categoriesOf, loadContent } from '../../content/index.ts';
import {
  IMPORT_ENCODINGS,
  IMPORT_FORMATS,
  type ImportEncoding,
  type ImportFormat,
  type ImportResult,
  importSubscribersCsv,
} from '../../store/index.ts';
import { type CliIo, type PathFlags, resolveConfig, withData, withDb } from '../context.ts';
import { withStore } from './with-store.ts';

type Flags = PathFlags & { format?: ImportFormat; encoding?: ImportEncoding };

/**
 * The data's category slugs, which another tool's tags may name. No readable data (an import
 * on a host without data/): no tag becomes a topic, and those readers get everything.
 */
async function knownCategories(io: CliIo, flags: PathFlags): Promise<string[]> {
  const config = resolveConfig(io, flags);
  try {
    const { content } = await loadContent(config.DATA_DIR, {
      maxBytes: config.DATA_FILE_MAX_BYTES,
    });
    return categoriesOf(content).map((c) => c.slug);
  } catch {
    return [];
  }
}

const formatOption = () =>
  new Option(
    '--format <format>',
    "read the file as this tool's export (default: from the header)",
  ).choices(IMPORT_FORMATS);

const encodingOption = () =>
  new Option(
    '--encoding <encoding>',
    'the text encoding of the file (default utf8: a file that is not valid UTF-8 is refused)',
  ).choices(IMPORT_ENCODINGS);

export function registerImport(group: Command, io: CliIo, _setExit: (code: number) => void): void {
  const run = (file: string, flags: Flags, asSuppressionList: boolean) =>
    withStore(io, flags, async (store) => {
      const res = await importSubscribersCsv(store, path.resolve(io.cwd, file), {
        at: new Date(),
        format: flags.format,
        encoding: flags.encoding,
        asSuppressionList,
        signal: io.signal,
        categories: await knownCategories(io, flags),
      });
      io.stdout(
        `${asSuppressionList ? 'suppressed from' : 'imported'} ${summaryLine(file, res)}\n`,
      );
      for (const r of res.rejected) {
        io.stderr(`warning: ${file}: line ${r.line}: ${JSON.stringify(r.email)}: ${r.reason}\n`);
      }
    });

  withData(withDb(group.command('import <file>')))
    .description(
      'import a CSV: our export, or Mailchimp, Substack, Buttondown, Kit, beehiiv or Ghost exports (found from the header), or an "email" column (optional "name") as active. Statuses are kept; nothing that opted out, bounced or complained becomes active',
    )
    .addOption(formatOption())
    .addOption(encodingOption())
    .action((file: string, flags: Flags) => run(file, flags, false));

  withDb(group.command('suppress <file>'))
    .description(
      'load a suppression list: every address in the CSV is never mailed (subscribers on it are unsubscribed) and never added later',
    )
    .addOption(formatOption())
    .addOption(encodingOption())
    .action((file: string, flags: Flags) => run(file, flags, true));
}

/** `list.csv as mailchimp: active 3 added, 1 kept, 0 refused; bounced 2 added, …` */
export function summaryLine(file: string, res: ImportResult): string {
  const parts = Object.entries(res.counts).map(([status, c]) => {
    const updated = c.updated > 0 ? `, ${c.updated} updated` : '';
    return `${status} ${c.added} added, ${c.kept} kept${updated}, ${c.refused} refused`;
  });
  return `${file} as ${res.format}: ${parts.length > 0 ? parts.join('; ') : 'no rows'}`;
}
