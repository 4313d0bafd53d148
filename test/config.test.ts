import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { VerdictsError } from '../src/errors.ts';

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
