import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Config, loadConfig } from '../src/config.ts';
import { VerdictsError } from '../src/errors.ts';
import { repoRoot } from './support/paths.ts';

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
