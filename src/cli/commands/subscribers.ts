// `verdicts subscribers add|import|list|remove|export`: the operator's hands on the list.
// Import exit status: a malformed file is an error (exit 1, nothing inserted); rejected rows
// alone are not (exit 0): the good rows are in, the bad ones are listed on stderr with their
// line numbers, and since import is idempotent the fixed file can simply be imported again.
import path from 'node:path';
import { type Command, Option } from 'commander';
import { VerdictsError } from '../../errors.ts';
import { openPipeline } from '../../pipeline/index.ts';
import {
  createSubscribers,
  type Db,
  importSubscribersCsv,
  SUBSCRIBER_STATUSES,
  type Subscriber,
  type SubscriberStatus,
} from '../../store/index.ts';
import { type CliIo, type PathFlags, resolveConfig, withDb } from '../context.ts';

type StatusFlags = PathFlags & { status?: SubscriberStatus };

export function registerSubscribers(
  program: Command,
  io: CliIo,
  setExit: (code: number) => void,
): void {
  const group = program
    .command('subscribers')
    .description('add, import, list, remove and export subscribers');
  const statusOption = () =>
    new Option('--status <status>', 'only subscribers with this status').choices(
      SUBSCRIBER_STATUSES,
    );
  const withStore = <T>(flags: PathFlags, fn: (db: Db) => T): T => {
    const pipeline = openPipeline(resolveConfig(io, flags));
    try {
      return fn(pipeline.store().db);
    } finally {
      pipeline.close();
    }
  };

  withDb(group.command('add <email>'))
    .description('add one address as active (the operator vouches for it: no opt-in mail)')
    .option('--name <name>', "the subscriber's name")
    .action((email: string, flags: PathFlags & { name?: string }) =>
      withStore(flags, (db) => {
        const subs = createSubscribers(db);
        const res = subs.add(email, {
          name: flags.name,
          source: 'cli',
          status: 'active',
          now: new Date(),
        });
        if (res.ok) return io.stdout(`added ${describe(res.value)}\n`);
        if (res.error === 'invalid_email') {
          throw new VerdictsError('cli', 'invalid_email', `not a valid email address: ${email}`);
        }
        const existing = subs.getByEmail(email);
        io.stderr(`already on the list: ${existing ? describe(existing) : email}\n`);
        setExit(1);
      }),
    );

  withDb(group.command('import <file>'))
    .description(
      'import a CSV with an "email" column (optional "name") as active; existing addresses are left untouched',
    )
    .action(async (file: string, flags: PathFlags) => {
      const pipeline = openPipeline(resolveConfig(io, flags));
      const db = pipeline.store().db;
      try {
        const res = await importSubscribersCsv(db, path.resolve(io.cwd, file), {
          now: new Date(),
        });
        io.stdout(
          `imported ${file}: ${res.added} added, ${res.unchanged} unchanged, ${res.rejected.length} rejected\n`,
        );
        for (const r of res.rejected) {
          io.stderr(`warning: ${file}: line ${r.line}: ${JSON.stringify(r.email)}: ${r.reason}\n`);
        }
      } finally {
        pipeline.close();
      }
    });

  withDb(group.command('list'))
    .description('list subscribers in the order they were added')
    .addOption(statusOption())
    .option('--json', 'print a JSON array')
    .action((flags: StatusFlags & { json?: boolean }) =>
      withStore(flags, (db) => {
        const subs = createSubscribers(db);
        // Streamed one row at a time, so a large list never sits in memory.
        let n = 0;
        if (flags.json) io.stdout('[');
        for (const s of subs.list({ status: flags.status })) {
          if (flags.json) io.stdout(`${n === 0 ? '\n' : ',\n'}  ${JSON.stringify(s)}`);
          else io.stdout(`${String(s.id).padStart(6)}  ${s.status.padEnd(12)}  ${describe(s)}\n`);
          n++;
        }
        if (flags.json) io.stdout(n === 0 ? ']\n' : '\n]\n');
        else if (n === 0) io.stderr('no subscribers\n');
      }),
    );

  withDb(group.command('remove <email>'))
    .description(
      'delete an address that was never sent anything; one with send history is marked unsubscribed',
    )
    .action((email: string, flags: PathFlags) =>
      withStore(flags, (db) => {
        const outcome = createSubscribers(db).remove(email, new Date());
        if (outcome === 'deleted') io.stdout(`deleted ${email}\n`);
        else if (outcome === 'unsubscribed') {
          io.stdout(`${email} has send history: marked unsubscribed instead of deleted\n`);
        } else {
          io.stderr(`not on the list: ${email}\n`);
          setExit(1);
        }
      }),
    );

  withDb(group.command('export'))
    .description(
      'write subscribers as CSV to stdout (every status unless --status; re-importing makes rows active)',
    )
    .addOption(statusOption())
    .action((flags: StatusFlags) =>
      withStore(flags, (db) => {
        io.stdout(`${EXPORT_COLUMNS.join(',')}\r\n`);
        for (const s of createSubscribers(db).list({ status: flags.status })) {
          io.stdout(`${EXPORT_COLUMNS.map((c) => csvField(s[c])).join(',')}\r\n`);
        }
      }),
    );
}

const EXPORT_COLUMNS = [
  'email',
  'name',
  'status',
  'source',
  'createdAt',
  'confirmedAt',
  'unsubscribedAt',
] as const satisfies readonly (keyof Subscriber)[];

/** RFC 4180: quote a field holding a comma, quote, CR or LF (or edge spaces), doubling quotes. */
export function csvField(value: string | number | null): string {
  const s = value === null ? '' : String(value);
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

const describe = (s: Subscriber) => (s.name ? `${s.name} <${s.email}>` : s.email);
