// `verdicts subscribers add|list|remove`, and the group the moving and erasing commands join
// (subscribers-import.ts, subscribers-export.ts, subscribers-forget.ts): the operator's hands
// on the list.
import { type Command, Option } from 'commander';
import { VerdictsError } from '../../errors.ts';
import { SUBSCRIBER_STATUSES, type Subscriber, type SubscriberStatus } from '../../store/index.ts';
import { type CliIo, type PathFlags, withDb } from '../context.ts';
import { registerExport } from './subscribers-export.ts';
import { registerForget } from './subscribers-forget.ts';
import { registerImport } from './subscribers-import.ts';
import { withStore } from './with-store.ts';

type StatusFlags = PathFlags & { status?: SubscriberStatus };

export const describeSubscriber = (s: Pick<Subscriber, 'name' | 'email'>) =>
  s.name ? `${s.name} <${s.email}>` : s.email;

export function registerSubscribers(
  program: Command,
  io: CliIo,
  setExit: (code: number) => void,
): void {
  const group = program
    .command('subscribers')
    .description('add, import, suppress, list, remove, forget and export subscribers');

  withDb(group.command('add <email>'))
    .description('add one address as active (the operator vouches for it: no opt-in mail)')
    .option('--name <name>', "the subscriber's name")
    .action((email: string, flags: PathFlags & { name?: string }) =>
      withStore(io, flags, async (store) => {
        const reason = await store.suppressions.reasonFor(email);
        if (reason) {
          io.stderr(
            `${email} is ${reason === 'forgotten' ? 'erased (forgotten)' : 'on the suppression list'}: never added\n`,
          );
          return setExit(1);
        }
        const subs = store.subscribers;
        const res = await subs.add(email, {
          name: flags.name,
          source: 'cli',
          status: 'active',
          now: new Date(),
        });
        if (res.ok) return io.stdout(`added ${describeSubscriber(res.value)}\n`);
        if (res.error === 'invalid_email') {
          throw new VerdictsError('cli', 'invalid_email', `not a valid email address: ${email}`);
        }
        const existing = await subs.getByEmail(email);
        io.stderr(`already on the list: ${existing ? describeSubscriber(existing) : email}\n`);
        setExit(1);
      }),
    );

  registerImport(group, io, setExit);

  withDb(group.command('list'))
    .description('list subscribers in the order they were added')
    .addOption(
      new Option('--status <status>', 'only subscribers with this status').choices(
        SUBSCRIBER_STATUSES,
      ),
    )
    .option('--json', 'print a JSON array')
    .action((flags: StatusFlags & { json?: boolean }) =>
      withStore(
        io,
        flags,
        async (store) => {
          // Streamed one row at a time, so a large list never sits in memory.
          let n = 0;
          if (flags.json) io.stdout('[');
          for await (const s of store.subscribers.list({ status: flags.status })) {
            if (flags.json) io.stdout(`${n === 0 ? '\n' : ',\n'}  ${JSON.stringify(s)}`);
            else
              io.stdout(
                `${String(s.id).padStart(6)}  ${s.status.padEnd(12)}  ${describeSubscriber(s)}\n`,
              );
            n++;
          }
          if (flags.json) io.stdout(n === 0 ? ']\n' : '\n]\n');
          else if (n === 0) io.stderr('no subscribers\n');
        },
        { readOnly: true },
      ),
    );

  withDb(group.command('remove <email>'))
    .description(
      'delete an address that was never sent anything; one with send history is marked unsubscribed (to erase it, use forget)',
    )
    .action((email: string, flags: PathFlags) =>
      withStore(io, flags, async (store) => {
        const outcome = await store.subscribers.remove(email, new Date());
        if (outcome === 'deleted') io.stdout(`deleted ${email}\n`);
        else if (outcome === 'unsubscribed') {
          io.stdout(
            `${email} has send history: marked unsubscribed instead of deleted (subscribers forget erases it)\n`,
          );
        } else {
          io.stderr(`not on the list: ${email}\n`);
          setExit(1);
        }
      }),
    );

  registerForget(group, io, setExit);
  registerExport(group, io);
}
