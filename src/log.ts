// One log line per event, as text (`2026-11-30T09:00:00.000Z info run week=2026-W49 sent=25`)
// or JSON (one object per line, for log shippers). Secrets never reach the output: fields whose
// name says key/secret/token/password are masked, and the configured secret values are
// scrubbed from every message and field, whatever their name.
import type { Config } from './config.ts';

export type LogLevel = 'info' | 'warn' | 'error';
export type LogValue = string | number | boolean | null | undefined;
export type LogFields = Record<string, LogValue>;

export type Logger = {
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
};

export type LoggerOptions = {
  format: 'text' | 'json';
  /** Where lines go: info to `out`, warn and error to `err` (both default to `out`). */
  out: (line: string) => void;
  err?: (line: string) => void;
  /** The wall clock, for the timestamp only. */
  now?: () => Date;
  /** Values to scrub from every line (API keys, signing secrets). */
  secrets?: readonly (string | undefined)[];
  /** Which process wrote the line (INSTANCE_ID): a field `instance` on every line. */
  instance?: string;
};

const SECRET_NAME = /key|secret|token|password|authorization/i;
const MASK = '[redacted]';

export function createLogger(opts: LoggerOptions): Logger {
  const secrets = (opts.secrets ?? []).filter((s): s is string => !!s && s.length >= 4);
  const scrub = (text: string) => secrets.reduce((t, s) => t.split(s).join(MASK), text);
  const clean = (fields: LogFields): LogFields =>
    Object.fromEntries(
      Object.entries(fields)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, SECRET_NAME.test(k) ? MASK : typeof v === 'string' ? scrub(v) : v]),
    );
  const write = (level: LogLevel, event: string, fields: LogFields = {}) => {
    const time = (opts.now ?? (() => new Date()))().toISOString();
    const safe = clean(opts.instance ? { ...fields, instance: opts.instance } : fields);
    const line =
      opts.format === 'json'
        ? JSON.stringify({ time, level, event: scrub(event), ...safe })
        : [
            time,
            level,
            scrub(event),
            ...Object.entries(safe).map(([k, v]) => `${k}=${text(v)}`),
          ].join(' ');
    (level === 'info' ? opts.out : (opts.err ?? opts.out))(`${line}\n`);
  };
  return {
    info: (event, fields) => write('info', event, fields),
    warn: (event, fields) => write('warn', event, fields),
    error: (event, fields) => write('error', event, fields),
  };
}

/** Quote a text value only when it needs it, so simple lines stay grep-able. */
function text(v: LogValue): string {
  const s = String(v);
  return /^[^\s"=]+$/.test(s) ? s : JSON.stringify(s);
}

/** The secrets a logger scrubs, from the settings. */
export const secretsOf = (config: Config): (string | undefined)[] => [
  config.RESEND_API_KEY,
  config.RESEND_WEBHOOK_SECRET,
  config.TOKEN_SECRET,
];
