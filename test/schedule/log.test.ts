import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.ts';

const capture = (format: 'text' | 'json', secrets: string[] = []) => {
  const out: string[] = [];
  const err: string[] = [];
  const log = createLogger({
    format,
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    now: () => new Date('2026-11-30T09:00:00Z'),
    secrets,
  });
  return { log, out, err };
};

describe('logger', () => {
  it('writes one text line with key=value fields, quoting only when needed', () => {
    const { log, out } = capture('text');
    log.info('run', {
      week: '2026-W49',
      pairs: 2,
      sent: 25,
      note: 'two words',
      skipped: undefined,
    });
    expect(out).toEqual([
      '2026-11-30T09:00:00.000Z info run week=2026-W49 pairs=2 sent=25 note="two words"\n',
    ]);
  });

  it('writes one JSON object per line, warnings and errors to the error stream', () => {
    const { log, out, err } = capture('json');
    log.warn('slot.skipped', { slot: '2026-11-30T09:00:00.000Z' });
    expect(out).toEqual([]);
    expect(JSON.parse(err[0]!)).toEqual({
      time: '2026-11-30T09:00:00.000Z',
      level: 'warn',
      event: 'slot.skipped',
      slot: '2026-11-30T09:00:00.000Z',
    });
  });

  it('names the instance on every line, in either format (serve and schedule set INSTANCE_ID)', () => {
    const lines: string[] = [];
    for (const format of ['text', 'json'] as const) {
      const log = createLogger({
        format,
        out: (l) => lines.push(l),
        now: () => new Date('2026-11-30T09:00:00Z'),
        instance: 'runner-a',
      });
      log.info('runner.active', { schedule: '0 9 * * 1' });
    }
    expect(lines[0]).toBe(
      '2026-11-30T09:00:00.000Z info runner.active schedule="0 9 * * 1" instance=runner-a\n',
    );
    expect(JSON.parse(lines[1]!)).toMatchObject({ event: 'runner.active', instance: 'runner-a' });
  });

  it('never prints a secret: by field name or by value, in either format', () => {
    for (const format of ['text', 'json'] as const) {
      const { log, out, err } = capture(format, ['re_live_abcdef123456']);
      log.info('config', { apiKey: 'anything', webhook_secret: 'x', TOKEN_SECRET: 'y' });
      log.error('send failed: Bearer re_live_abcdef123456 refused', {
        detail: 'header re_live_abcdef123456',
      });
      const all = [...out, ...err].join('');
      expect(all).not.toContain('re_live_abcdef123456');
      expect(all).not.toContain('anything');
      expect(all).toContain('[redacted]');
    }
  });
});
