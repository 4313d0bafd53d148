// Which texts hold an address for `forget`: the whole address, in any case, never a part of a
// longer one (forgetting ob@example.com must not touch bob@example.com's events).
import { describe, expect, it } from 'vitest';
import { mentions } from '../../src/store/forget.ts';

describe('mentions', () => {
  it.each([
    ['{"to":["Ada@Example.com"]}', true],
    ['mail ada@example.com.', true],
    ['<ada@example.com>', true],
    ['ada@example.com', true],
    ['bada@example.com', false],
    ['ada@example.com.au', false],
    ['ada@example.community', false],
    ['x.ada@example.com', false],
    ['ada@example.co', false],
  ])('%s -> %s', (text, expected) => {
    expect(mentions(text, 'ada@example.com')).toBe(expected);
  });
});
