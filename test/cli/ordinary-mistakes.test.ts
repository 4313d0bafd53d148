// Ordinary mistakes get one line and the documented exit code (README "Commands": 1 for a
// problem with the input or settings), never a stack trace. Each row runs the real `verdicts`
// (src/cli/bin.js) as a child process in an empty folder, with no setting of the developer's.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.ts';
import { childCwd, childEnv } from '../support/isolated-env.ts';
import { binPath, repoRoot, tempDir } from '../support/paths.ts';

const README = path.join(repoRoot, 'README.md');
const missing = path.join(tempDir('verdicts-missing-'), 'no-such-folder');

let blocker: Server;
let takenPort = 0;
beforeAll(async () => {
  blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  takenPort = (blocker.address() as { port: number }).port;
});
afterAll(() => {
  blocker?.close();
});

type Mistake = {
  name: string;
  args: () => string[];
  env?: Record<string, string>;
  /** A .env file in the working directory. */
  dotEnv?: string;
  code: number;
  says: () => RegExp;
};

const MISTAKES: Mistake[] = [
  {
    name: 'serve on a port in use',
    args: () => ['serve', '--port', String(takenPort)],
    code: EXIT.badInput,
    says: () =>
      new RegExp(
        `cannot listen on 127\\.0\\.0\\.1:${takenPort}: port ${takenPort} is already in use`,
      ),
  },
  {
    name: 'preview on a port in use',
    args: () => ['preview', '--port', String(takenPort), '--data', path.join(repoRoot, 'data')],
    code: EXIT.badInput,
    says: () => new RegExp(`port ${takenPort} is already in use`),
  },
  {
    name: 'stats --db README.md',
    args: () => ['stats', '--db', README],
    code: EXIT.badInput,
    says: () => /README\.md is not a SQLite database .*point --db or DATABASE_PATH/,
  },
  {
    name: 'send --db README.md',
    args: () => ['send', '--week', '2026-W48', '--db', README],
    code: EXIT.badInput,
    says: () => /README\.md is not a SQLite database/,
  },
  {
    name: 'run --db README.md (the weekly job reports it, exit 1 not 2)',
    args: () => ['run', '--week', '2026-W48', '--db', README],
    code: EXIT.badInput,
    says: () => /the database is not a SQLite database/,
  },
  {
    name: 'serve --db README.md',
    args: () => ['serve', '--port', '0', '--db', README],
    code: EXIT.badInput,
    says: () => /README\.md is not a SQLite database/,
  },
  {
    name: 'subscribers list with DATABASE_PATH=README.md',
    args: () => ['subscribers', 'list'],
    env: { DATABASE_PATH: README },
    code: EXIT.badInput,
    says: () => /README\.md is not a SQLite database/,
  },
  {
    name: 'schema --data README.md (a file)',
    args: () => ['schema', '--data', README],
    code: EXIT.badInput,
    says: () => /README\.md is a file, not the content folder/,
  },
  {
    name: 'schema --data <a folder that does not exist>',
    args: () => ['schema', '--data', missing],
    code: EXIT.badInput,
    says: () => /no such folder.*nothing was written/,
  },
  {
    name: 'an unknown flag',
    args: () => ['stats', '--wek', '2026-W48'],
    code: EXIT.badInput,
    says: () => /unknown option '--wek'/,
  },
  {
    name: 'an unknown command',
    args: () => ['sned', '--week', '2026-W48'],
    code: EXIT.badInput,
    says: () => /unknown command 'sned'/,
  },
  {
    name: 'a bad --week',
    args: () => ['pairs', '--week', '2026-48'],
    code: EXIT.badInput,
    says: () => /--week/,
  },
  {
    name: 'a bad setting in the shell',
    args: () => ['pairs'],
    env: { MAX_PAIRS_PER_ISSUE: 'six' },
    code: EXIT.badInput,
    says: () => /MAX_PAIRS_PER_ISSUE: .*\(set in the shell environment\)/,
  },
  {
    name: 'a bad setting in .env',
    args: () => ['pairs'],
    dotEnv: 'NEWSLETTER_TIMEZONE=Mars/Olympus\n',
    code: EXIT.badInput,
    says: () => /invalid settings in .*\.env\n {2}NEWSLETTER_TIMEZONE: .*\(set in .*\.env\)/,
  },
];

async function verdicts(m: Mistake) {
  const cwd = childCwd();
  if (m.dotEnv) writeFileSync(path.join(cwd, '.env'), m.dotEnv);
  const child = spawn(process.execPath, [binPath, ...m.args()], {
    cwd,
    env: childEnv({ DATA_DIR: path.join(repoRoot, 'data'), ...m.env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    out += d;
  });
  // serve and preview run until stopped: a mistake must end them on its own.
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const [code] = await once(child, 'exit');
  clearTimeout(timer);
  return { code: code as number | null, out };
}

describe('ordinary mistakes: one line, the documented exit code', () => {
  it.each(MISTAKES.map((m) => [m.name, m] as const))('%s', async (_name, m) => {
    const { code, out } = await verdicts(m);
    expect(out).toMatch(m.says());
    // No stack trace: no "    at " frame, no "unexpected error".
    expect(out).not.toMatch(/^\s+at /m);
    expect(out).not.toContain('unexpected error');
    expect(code, out).toBe(m.code);
  });

  it('schema --data <missing> wrote nothing', () => {
    expect(existsSync(missing)).toBe(false);
  });
});
