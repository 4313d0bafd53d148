// What `run` and `schedule` print through: the logger (text or JSON per LOG_FORMAT), operator
// notes and send progress. In JSON mode every line is a JSON object, so a log shipper never
// sees a stray progress line; in text mode notes and progress stay plain, for people.
import type { Config } from '../config.ts';
import { createLogger, type Logger, secretsOf } from '../log.ts';
import { createProgress, type Progress } from '../send/index.ts';
import type { CliIo } from './context.ts';

export type JobOutput = {
  log: Logger;
  say: (line: string) => void;
  progress: (label: string) => Progress;
};

export function jobOutput(io: CliIo, config: Config): JobOutput {
  const log = createLogger({
    format: config.LOG_FORMAT,
    out: io.stdout,
    err: io.stderr,
    secrets: secretsOf(config),
    instance: config.INSTANCE_ID,
  });
  if (config.LOG_FORMAT === 'text') {
    return {
      log,
      say: (line) => io.stdout(`${line}\n`),
      progress: (label) => createProgress(io, label),
    };
  }
  const say = (line: string) => log.info('note', { message: line });
  return {
    log,
    say,
    progress: (label) => {
      let total = 0;
      let done = 0;
      return {
        start(t, d) {
          total = t;
          done = d;
          log.info('send.progress', { week: label, done, total });
        },
        update(d) {
          done = d;
        },
        note: (line) => log.warn('send.note', { week: label, message: line }),
        stop: () => log.info('send.progress', { week: label, done, total }),
      };
    },
  };
}
