import { describe, expect, it } from 'vitest';
import { DEV_TOKEN_SECRET, loadConfig } from '../../src/config.ts';
import { VerdictsError } from '../../src/errors.ts';
import { createTransport } from '../../src/send/create-transport.ts';

const real = {
  RESEND_API_KEY: 're_live',
  TOKEN_SECRET: 'a'.repeat(32),
  PUBLIC_BASE_URL: 'https://verdicts.example.org',
};

describe('real sends through Resend', () => {
  it('go ahead with a real secret and a public https site', () => {
    expect(createTransport(loadConfig(real)).name).toBe('resend');
  });

  it('are refused with the development secret or a local site, naming each setting', () => {
    let error: unknown;
    try {
      createTransport(
        loadConfig({
          ...real,
          TOKEN_SECRET: DEV_TOKEN_SECRET,
          PUBLIC_BASE_URL: 'http://localhost:3000',
        }),
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(VerdictsError);
    expect((error as VerdictsError).details.join('\n')).toMatch(
      /TOKEN_SECRET[\s\S]*PUBLIC_BASE_URL/,
    );
  });

  it('are not checked against a local stand-in or the outbox', () => {
    const local = {
      ...real,
      TOKEN_SECRET: DEV_TOKEN_SECRET,
      PUBLIC_BASE_URL: 'http://localhost:3000',
    };
    expect(
      createTransport(loadConfig({ ...local, RESEND_BASE_URL: 'http://127.0.0.1:9' })).name,
    ).toBe('resend');
    expect(createTransport(loadConfig({ ...local, RESEND_API_KEY: undefined })).name).toBe(
      'outbox',
    );
  });
});
