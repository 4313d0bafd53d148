import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Config, loadConfig, loadDotEnv } from '../src/config.ts';
import { VerdictsError } from '../src/errors.ts';
import { repoRoot, tempDir } from './support/paths.ts';

describe('settings', () => {
  it('work with nothing set (fresh clone defaults)', () => {
    const c = loadConfig({});
    expect(c.NEWSLETTER_TIMEZONE).toBe('UTC');
    expect(c.RESEND_RATE_LIMIT).toBe(2);
    expect(c.RESEND_API_KEY).toBeUndefined();
    expect(c.DATABASE_PATH).toBe('.verdicts/verdicts.db');
  });

  it('treat empty values as unset, as in a copied .env.example', () => {
    const c = loadConfig({ TOKEN_SECRET: '', RESEND_API_KEY: ' ', RESEND_RATE_LIMIT: '' });
    expect(c.RESEND_API_KEY).toBeUndefined();
    expect(c.RESEND_RATE_LIMIT).toBe(2);
  });

  it('name every bad setting at once', () => {
    let error: unknown;
    try {
      loadConfig({
        NEWSLETTER_TIMEZONE: 'Mars/Olympus',
        RESEND_RATE_LIMIT: 'fast',
        PUBLIC_BASE_URL: 'ftp://x',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(VerdictsError);
    const details = (error as VerdictsError).details.join('\n');
    expect(details).toMatch(/NEWSLETTER_TIMEZONE: must be an IANA time zone/);
    expect(details).toMatch(/RESEND_RATE_LIMIT:/);
    expect(details).toMatch(/PUBLIC_BASE_URL:/);
  });
});

describe('a bad setting names where it was set', () => {
  const failure = (env: Record<string, string | undefined>) => {
    try {
      loadConfig(env);
    } catch (e) {
      return e as VerdictsError;
    }
    throw new Error('expected the settings to be refused');
  };

  it('a bad line in .env names the file, not "the environment"', () => {
    const dir = tempDir('verdicts-dotenv-');
    const file = path.join(dir, '.env');
    writeFileSync(file, 'MAX_PAIRS_PER_ISSUE=zero\nLOG_FORMAT=json\n');
    const env: Record<string, string | undefined> = {};
    loadDotEnv(dir, env);
    const e = failure(env);
    expect(e.message).toBe(`[verdicts] [config] invalid settings in ${file}`);
    expect(e.details).toHaveLength(1);
    expect(e.details[0]).toMatch(/^MAX_PAIRS_PER_ISSUE: /);
    expect(e.details[0]).toContain(`(set in ${file})`);
  });

  it('a bad value from the shell says so, even with a .env that sets the same key', () => {
    const dir = tempDir('verdicts-dotenv-');
    writeFileSync(path.join(dir, '.env'), 'NEWSLETTER_TIMEZONE=UTC\n');
    // The environment wins over .env, so the bad value is the shell's.
    const env: Record<string, string | undefined> = { NEWSLETTER_TIMEZONE: 'Mars/Olympus' };
    loadDotEnv(dir, env);
    expect(env.NEWSLETTER_TIMEZONE).toBe('Mars/Olympus');
    const e = failure(env);
    expect(e.message).toBe('[verdicts] [config] invalid settings in the shell environment');
    expect(e.details[0]).toMatch(/^NEWSLETTER_TIMEZONE: .*\(set in the shell environment\)$/);
  });

  it('a .env that cannot be read is one line naming it', () => {
    const dir = tempDir('verdicts-dotenv-');
    const file = path.join(dir, '.env');
    // A folder where the file should be.
    mkdirSync(file);
    expect(() => loadDotEnv(dir, {})).toThrow(`cannot read ${file}`);
  });
});

describe('documentation of settings', () => {
  const keys = Object.keys(Config.shape);
  const read = (file: string) => readFileSync(path.join(repoRoot, file), 'utf8');

  it('.env.example lists every setting, and no setting the program does not read', () => {
    const listed = read('.env.example')
      .split('\n')
      .filter((l) => /^[A-Z_]+=/.test(l))
      .map((l) => l.split('=')[0]);
    expect([...listed].sort()).toEqual([...keys].sort());
  });

  it('README.md documents every setting', () => {
    const readme = read('README.md');
    expect(keys.filter((k) => !readme.includes(`\`${k}\``))).toEqual([]);
  });
});
