// A careless or hostile contributor to data/: things at a data file's path that are not a small
// regular file of text. Each must be one clear [content] problem naming the file, exit 1, in
// check, build and run alike: never a stack trace, a hang or running out of memory.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { repoRoot, tempDir } from '../support/paths.ts';

const valid = path.join(repoRoot, 'test/fixtures/content/valid');

const billionLaughs = () => {
  const rows = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
  for (let i = 1; i < 10; i++) {
    const prev = `*a${i - 1}`;
    rows.push(`a${i}: &a${i} [${Array(9).fill(prev).join(', ')}]`);
  }
  return `${rows.join('\n')}\n`;
};

/** Each hostile entry, added as tools/<name>.yaml, and the reason check must give for it. */
const hostile: Record<string, { make: (file: string) => void; reason: RegExp }> = {
  fifo: {
    make: (f) => execFileSync('mkfifo', [f]),
    reason: /a FIFO \(named pipe\): not a regular file/,
  },
  huge: {
    make: (f) => writeFileSync(f, `id: huge\ndescription: ${'a'.repeat(20 * 1024 * 1024)}\n`),
    reason: /20\.0 MB, over the 1\.0 MB cap \(DATA_FILE_MAX_BYTES\)/,
  },
  bomb: { make: (f) => writeFileSync(f, billionLaughs()), reason: /YAML aliases expand too far/ },
  loop: {
    make: (f) => {
      symlinkSync('loop-b.yml.link', f);
      symlinkSync('loop.yaml', path.join(path.dirname(f), 'loop-b.yml.link'));
    },
    reason: /a symbolic link loop: not a regular file/,
  },
  dangling: {
    make: (f) => symlinkSync('no-such-file.yaml.gone', f),
    reason: /a dangling symbolic link \(its target does not exist\)/,
  },
  zero: { make: (f) => symlinkSync('/dev/zero', f), reason: /a device: not a regular file/ },
  // Its parse error used to quote the first 200 characters of /etc/passwd.
  passwd: {
    make: (f) => symlinkSync('/etc/passwd', f),
    reason: /a symbolic link to a file outside the data folder: not read$/,
  },
  socket: {
    // A bound Unix socket leaves its file behind; the server is closed again at once.
    make: (f) => {
      execFileSync(process.execPath, [
        '-e',
        `const s = require('node:net').createServer().listen(${JSON.stringify(f)}, () => process.exit(0))`,
      ]);
    },
    reason: /a socket: not a regular file/,
  },
  folder: { make: (f) => mkdirSync(f), reason: /a directory: not a regular file/ },
  crlf: {
    make: (f) =>
      writeFileSync(
        f,
        [
          'id: crlf',
          'name: "Alpha\\r\\nBcc: victim@example.org"',
          'category: Developer Tools',
          'tagline: A tool for tests',
          'description: A small tool used by the test fixtures.',
          'entryPrice: Free',
          '',
        ].join('\n'),
      ),
    reason:
      /crlf\.yaml:2: name: must be one line: no line break, tab or other control character, found "Alpha\\r\\nBcc: victim@example\.org"/,
  },
  // A right-to-left override in a one-line field: the headline or name would read reversed.
  bidi: {
    make: (f) =>
      writeFileSync(
        f,
        [
          'id: bidi',
          'name: Alpha',
          'category: Developer Tools',
          'tagline: "Ships \u202Epiks\u202C fast"',
          'description: A small tool used by the test fixtures.',
          'entryPrice: Free',
          '',
        ].join('\n'),
      ),
    reason:
      /bidi\.yaml:4: tagline: must be plain visible text: no bidirectional control .*, found "Ships \\u202epiks\\u202c fast"/,
  },
  // A zero-width space: two tools whose names look the same but differ.
  zerowidth: {
    make: (f) =>
      writeFileSync(
        f,
        [
          'id: zerowidth',
          'name: "Al\u200Bpha"',
          'category: Developer Tools',
          'tagline: A tool for tests',
          'description: A small tool used by the test fixtures.',
          'entryPrice: Free',
          '',
        ].join('\n'),
      ),
    reason: /zerowidth\.yaml:2: name: must be plain visible text: .*zero-width character/,
  },
};

function dataWith(names: string[]): string {
  const dir = path.join(tempDir('verdicts-hostile-'), 'data');
  cpSync(valid, dir, { recursive: true });
  mkdirSync(path.join(dir, 'tools'), { recursive: true });
  for (const n of names) hostile[n]!.make(path.join(dir, 'tools', `${n}.yaml`));
  return dir;
}

const problemLines = (stderr: string) => stderr.trim().split('\n').slice(1);

describe('check on hostile data files', () => {
  for (const [name, { reason }] of Object.entries(hostile)) {
    it(`${name}: exit 1, one line naming the file and why`, async () => {
      const dir = dataWith([name]);
      const r = await runCli(['check', '--data', dir]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^\[verdicts\] \[content\] 1 problem in /);
      const lines = problemLines(r.stderr);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(path.join(dir, 'tools', `${name}.yaml`));
      expect(lines[0]).toMatch(reason);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }, 20_000);
  }

  it('all of them at once: one line each, the valid files still checked', async () => {
    const dir = dataWith(Object.keys(hostile));
    writeFileSync(path.join(dir, 'tools/beta.yaml'), 'id: beta\nname: [not, text]\n');
    const r = await runCli(['check', '--data', dir]);
    expect(r.code).toBe(1);
    const lines = problemLines(r.stderr);
    for (const [name, { reason }] of Object.entries(hostile)) {
      const mine = lines.filter((l) => l.includes(`tools/${name}.yaml`));
      expect({ name, lines: mine.length }).toEqual({ name, lines: 1 });
      expect(mine[0]).toMatch(reason);
    }
    expect(lines.some((l) => l.includes('tools/beta.yaml'))).toBe(true);
  }, 30_000);

  it('a lower DATA_FILE_MAX_BYTES refuses a file the default accepts', async () => {
    const dir = dataWith([]);
    expect((await runCli(['check', '--data', dir])).code).toBe(0);
    const r = await runCli(['check', '--data', dir], { env: { DATA_FILE_MAX_BYTES: '100' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/over the 1 KB cap \(DATA_FILE_MAX_BYTES\)/);
  });
});

describe('build and run on hostile data files', () => {
  const env = (dir: string) => {
    const root = path.dirname(dir);
    return {
      DATA_DIR: dir,
      ISSUES_DIR: path.join(root, 'issues'),
      DATABASE_PATH: path.join(root, 'verdicts.db'),
      OUTBOX_DIR: path.join(root, 'outbox'),
      HEALTH_FILE: path.join(root, 'health.json'),
    };
  };

  it('build: exit 1 with the problems, nothing archived', async () => {
    const dir = dataWith(['fifo', 'huge', 'crlf']);
    const r = await runCli(['build', '--week', '2026-W10'], { env: env(dir) });
    expect(r.code).toBe(1);
    expect(problemLines(r.stderr)).toHaveLength(3);
    expect(existsSync(env(dir).ISSUES_DIR)).toBe(false);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 30_000);

  it('run: exit 1 with one run line, outcome data-error', async () => {
    const dir = dataWith(['huge', 'zero', 'bomb']);
    const r = await runCli(['run', '--week', '2026-W10'], { env: env(dir) });
    expect(r.code).toBe(1);
    const runLines = `${r.stdout}${r.stderr}`.split('\n').filter((l) => / run /.test(l));
    expect(runLines).toHaveLength(1);
    expect(runLines[0]).toContain('outcome=data-error');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 30_000);
});
