// `verdicts db status | migrate | copy`: the operator's view of the store itself. Which database
// the settings name, how far its schema is and what each table holds; bringing the schema up
// to date; and moving every table into an empty PostgreSQL database (DATABASE_URL next). The
// work is the store's (store/copy/); this file only words its reports.
import type { Command } from 'commander';
import {
  type CopyReport,
  copyStore,
  inspectStore,
  migrateStore,
  type StoreInspection,
  type StoreTarget,
} from '../../store/index.ts';
import { type CliIo, type PathFlags, resolveConfig, withDb } from '../context.ts';
import { EXIT } from '../exit-codes.ts';

const targetOf = (io: CliIo, flags: PathFlags): StoreTarget => {
  const config = resolveConfig(io, flags);
  return { url: config.DATABASE_URL, path: config.DATABASE_PATH, secret: config.TOKEN_SECRET };
};

const engine = (kind: 'sqlite' | 'postgres') => (kind === 'sqlite' ? 'SQLite' : 'PostgreSQL');

const count = (n: number) => n.toLocaleString('en-US');

function statusProblem(s: StoreInspection): string | null {
  const { applied, known } = s.schema;
  switch (s.state) {
    case 'current':
      return null;
    case 'missing':
      return s.kind === 'sqlite'
        ? `no database at ${s.where} (none created): \`verdicts db migrate\` creates it, or check --db / DATABASE_PATH`
        : `no database at ${s.where}: create it (CREATE DATABASE), then run \`verdicts db migrate\``;
    case 'empty':
      return `${s.where} has no schema yet (0 of ${known} migrations): run \`verdicts db migrate\``;
    case 'behind':
      return `schema is behind: ${applied} of ${known} migrations applied; run \`verdicts db migrate\``;
    case 'ahead':
      return `schema is ahead: version ${applied} is newer than this program knows (${known}); upgrade verdicts`;
  }
}

function formatCopy(r: CopyReport): string {
  const width = Math.max(
    5,
    ...r.tables.map((t) => t.table.length),
    ...r.skipped.map((s) => s.name.length),
  );
  const rowsWidth = Math.max(4, ...r.tables.map((t) => count(t.rows).length));
  const lines = [
    `${'table'.padEnd(width)}  ${'rows'.padStart(rowsWidth)}  ${'checksum'.padEnd(16)}  ok`,
  ];
  for (const t of r.tables) {
    const sum = t.checksum.slice(0, 16);
    const ok = t.ok
      ? 'ok'
      : `MISMATCH (target: ${count(t.targetRows)} rows, ${t.targetChecksum.slice(0, 16)})`;
    lines.push(`${t.table.padEnd(width)}  ${count(t.rows).padStart(rowsWidth)}  ${sum}  ${ok}`);
  }
  for (const s of r.skipped)
    lines.push(`${s.name.padEnd(width)}  ${'-'.padStart(rowsWidth)}  skipped: ${s.why}`);
  return `${lines.join('\n')}\n`;
}

export function registerDb(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const group = program
    .command('db')
    .description('the database: its status, its schema, and a copy into PostgreSQL');

  withDb(group.command('status'))
    .description(
      'which database, schema applied vs known, rows per table (reads only: creates and migrates nothing)',
    )
    .action(async (flags: PathFlags) => {
      const s = await inspectStore(targetOf(io, flags));
      io.stdout(`store:   ${engine(s.kind)} ${s.where}\n`);
      io.stdout(
        `schema:  ${s.schema.applied} of ${s.schema.known} migrations applied${s.state === 'current' ? ' (current)' : ''}\n`,
      );
      const problem = statusProblem(s);
      if (problem) {
        io.stderr(`[verdicts] [store] ${problem}\n`);
        setExit(EXIT.badInput);
        return;
      }
      const width = Math.max(...s.tables.map((t) => t.table.length));
      io.stdout('tables:\n');
      for (const t of s.tables)
        io.stdout(`  ${t.table.padEnd(width)}  ${count(t.rows).padStart(9)}\n`);
    });

  withDb(group.command('migrate'))
    .description(
      'create the database or bring its schema up to date (every command also does on open)',
    )
    .action(async (flags: PathFlags) => {
      const m = await migrateStore(targetOf(io, flags));
      const done =
        m.applied > 0
          ? `applied ${m.applied} migration${m.applied === 1 ? '' : 's'} (${m.before.applied} → ${m.after.applied})`
          : `schema already current (${m.before.applied} → ${m.after.applied}): nothing to apply`;
      io.stdout(
        `${engine(m.kind)} ${m.where}: ${done}; ${m.after.applied} of ${m.after.known} known\n`,
      );
    });

  withDb(group.command('copy'))
    .description(
      'copy every table of the current store into an EMPTY PostgreSQL database, verified per table; a failed copy leaves the target empty',
    )
    .requiredOption(
      '--to <postgres-url>',
      'the target database: postgres://user:password@host:5432/db',
    )
    .action(async (flags: PathFlags & { to: string }) => {
      const r = await copyStore(targetOf(io, flags), flags.to, { signal: io.signal });
      io.stdout(`copy ${r.source} → ${r.target}\n`);
      if (r.outcome === 'target_not_empty') {
        const held = r.occupied.map((o) => `${o.table} ${count(o.rows)}`).join(', ');
        io.stderr(
          `[verdicts] [store] ${r.target} is not empty (${held}): nothing copied. db copy fills only an empty database; a failed copy never leaves rows behind, so these are someone's data\n`,
        );
        setExit(EXIT.badInput);
        return;
      }
      io.stdout(formatCopy(r));
      if (r.outcome === 'mismatch') {
        const bad = r.tables.filter((t) => !t.ok).map((t) => t.table);
        io.stderr(
          `[verdicts] [store] the copy did not match its source (${bad.join(', ')}): rolled back, ${r.target} is left empty\n`,
        );
        setExit(EXIT.badInput);
        return;
      }
      if (r.outcome === 'failed') {
        const where = r.failure?.table ? ` while copying ${r.failure.table}` : '';
        io.stderr(
          `[verdicts] [store] the copy failed${where}: ${r.failure?.message}; rolled back, ${r.target} is left empty: fix the cause and run db copy again\n`,
        );
        setExit(EXIT.badInput);
        return;
      }
      const seconds = r.ms / 1000;
      const rate = seconds > 0 ? Math.round(r.rows / seconds) : r.rows;
      io.stdout(
        `copied ${count(r.rows)} rows in ${seconds.toFixed(1)} s (${count(rate)} rows/s); every table verified, id sequences continue after the copied ids\n`,
      );
      io.stdout(
        `next: set DATABASE_URL to the target (keep TOKEN_SECRET: suppression hashes are keyed by it)\n`,
      );
    });
}
