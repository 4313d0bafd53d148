import { describe, expect, it } from 'vitest';
import { normaliseEmail } from '../../src/store/email-address.ts';

describe('normaliseEmail', () => {
  it.each([
    ['  Reader@Example.COM ', 'Reader@example.com'],
    ["o'brien+news@sub.example.co.uk", "o'brien+news@sub.example.co.uk"],
    ['first.last@example.org', 'first.last@example.org'],
    ['josé@bücher.example', 'josé@bücher.example'],
  ])('accepts %j as %j', (raw, want) => {
    expect(normaliseEmail(raw)).toEqual({ ok: true, value: want });
  });

  it.each([
    ['', 'empty'],
    ['no-at.example.com', 'missing @'],
    ['a@b@example.com', 'more than one @'],
    ['a b@example.com', 'space'],
    ['a\u0007@example.com', 'control'],
    ['@example.com', 'before the @'],
    ['reader@', 'after the @'],
    ['reader@localhost', 'no dot'],
    ['reader@example.c', 'too short'],
    ['.reader@example.com', 'local part'],
    ['re..ader@example.com', 'local part'],
    ['<reader@example.com>', 'local part'],
    ['reader@-example.com', 'host name'],
    ['reader@example..com', 'host name'],
    [`${'a'.repeat(65)}@example.com`, 'local part longer'],
    [
      `a@${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.${'e'.repeat(60)}.${'f'.repeat(6)}.com`,
      'longer than 254',
    ],
  ])('rejects %j (%s)', (raw, reason) => {
    const r = normaliseEmail(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(reason);
  });
});
