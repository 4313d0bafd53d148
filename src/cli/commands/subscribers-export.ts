// `verdicts subscribers export [--status S]`: every column a move needs (status, source and
// every date), so importing the file into a new database loses nothing. Suppressed addresses
// and the keyed hashes of forgotten ones come after the subscribers, so the never-mail list
// moves too. The lines are the store's exportCsvLines (formula-safe cells, which import undoes).

import { type Command, Option } from 'commander';
import { exportCsvLines, IMPORT_STATUSES, type ImportStatus } from '../../store/index.ts';
import { type CliIo, type PathFlags, withDb } from '../context.ts';
import { withStore } from './with-store.ts';

export function registerExport(group: Command, io: CliIo): void {
  withDb(group.command('export'))
    .description(
      'write subscribers, suppressed addresses and erased-address hashes as CSV to stdout (all unless --status); `import` reads it back unchanged',
    )
    .addOption(
      new Option('--status <status>', 'only rows with this status').choices(IMPORT_STATUSES),
    )
    .action((flags: PathFlags & { status?: ImportStatus }) =>
      withStore(
        io,
        flags,
        async (store) => {
          for await (const line of exportCsvLines(store, flags.status)) io.stdout(line);
        },
        { readOnly: true },
      ),
    );
}
