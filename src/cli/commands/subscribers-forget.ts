// `verdicts subscribers forget EMAIL`: the erasure path. What it removed is printed, so the
// operator can answer the request; exit 1 when it could not (nothing changed then).
import type { Command } from 'commander';
import { VerdictsError } from '../../errors.ts';
import { normaliseEmail } from '../../store/index.ts';
import { type CliIo, type PathFlags, withDb } from '../context.ts';
import { withStore } from './with-store.ts';

export function registerForget(group: Command, io: CliIo, setExit: (code: number) => void): void {
  withDb(group.command('forget <email>'))
    .description(
      'erase an address: its subscriber row, ledger rows and events lose every trace of it; a keyed hash keeps it suppressed',
    )
    .action((email: string, flags: PathFlags) => {
      // A typo (or a name) would be hashed and stored as "forgotten", and the command would
      // report success: refuse it before the store is opened.
      const valid = normaliseEmail(email);
      if (!valid.ok) {
        throw new VerdictsError(
          'cli',
          'invalid_email',
          `not a valid email address: ${JSON.stringify(email)} (${valid.error}); nothing was changed`,
        );
      }
      return withStore(io, flags, async (store) => {
        const res = await store.forget(email, new Date());
        if (!res.ok) {
          const p = res.error;
          io.stderr(
            p.kind === 'in_flight'
              ? `cannot forget ${email} yet: batch ${p.batchNo} of ${p.week} is being sent with it; run forget again when that send has finished\n`
              : `cannot forget ${email}: it is still in ${p.places.join(', ')}; nothing was changed\n`,
          );
          return setExit(1);
        }
        const r = res.value;
        const row =
          r.subscriber === 'not_found'
            ? 'no subscriber row'
            : r.subscriber === 'deleted'
              ? 'subscriber row deleted'
              : 'subscriber row emptied (kept without address or name, so counts stay right)';
        io.stdout(
          `forgot ${email}: ${row}; ${r.ledgerRows} ledger rows emptied of address and name; ${r.events} events deleted; ${r.votesKept} votes kept without the address; a keyed hash keeps it suppressed\n`,
        );
        io.stdout(
          "not touched: .eml files in the outbox folder and Resend's own logs hold their copies; delete those there\n",
        );
        if (!r.filesClean) {
          io.stderr(
            'warning: another process is using the database, so its files (the write-ahead log, or pages not yet rewritten) may still hold old copies of the address; run forget again once it has stopped\n',
          );
        }
      });
    });
}
