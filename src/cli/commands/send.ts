// `verdicts send --week 2026-W48`: send a week's issue to every active subscriber (building
// it first if the archive has none), resumably; `--to ADDRESS` sends one [TEST] copy instead.
// Exit 0 only when every frozen recipient is submitted (or skipped as no longer active), when
// the week was already sent, or when there is nobody to send to; otherwise 1 with the reason.
import { type Command, Option } from 'commander';
import { formatWeek } from '../../content/week.ts';
import { sendTestCopy, sendWeek } from '../../pipeline/send-week.ts';
import { createProgress } from '../../send/progress.ts';
import { problemLines, summaryLine } from '../../send/summary.ts';
import {
  type CliIo,
  type PathFlags,
  resolveConfig,
  withData,
  withDb,
  withIssues,
  withOutbox,
} from '../context.ts';
import { weekOption } from '../week-option.ts';

type Flags = PathFlags & {
  week: string;
  resendUncertain?: boolean;
  to?: string;
  transport?: 'auto' | 'resend' | 'outbox';
};

export function registerSend(program: Command, io: CliIo, setExit: (code: number) => void): void {
  withOutbox(withDb(withIssues(withData(program.command('send')))))
    .description("send a week's archived issue to every active subscriber (resumable)")
    .requiredOption('--week <YYYY-Www>', 'the ISO week to send')
    .option(
      '--resend-uncertain',
      're-send batches whose first attempt is outside the idempotency window',
    )
    .option('--to <address>', 'send one [TEST] copy to this address only; records nothing')
    .addOption(
      new Option(
        '--transport <name>',
        'resend needs RESEND_API_KEY; auto: resend when the key is set, else the outbox',
      )
        .choices(['auto', 'resend', 'outbox'])
        .default('auto'),
    )
    .action(async (flags: Flags) => {
      const config = resolveConfig(io, flags);
      const week = formatWeek(weekOption(flags.week, config.NEWSLETTER_TIMEZONE, new Date()));
      if (flags.to !== undefined) {
        const res = await sendTestCopy(config, week, flags.to, {
          transport: flags.transport,
          signal: io.signal,
        });
        if (res.status === 'no-issue') return noIssue(io, setExit, week);
        io.stdout(`${week}: [TEST] copy sent to ${res.to} via ${res.transport} (id ${res.id})\n`);
        return;
      }
      const res = await sendWeek(config, week, {
        signal: io.signal,
        progress: createProgress(io, week),
        log: (line) => io.stdout(`${line}\n`),
        resendUncertain: flags.resendUncertain ?? false,
        transport: flags.transport,
      });
      switch (res.status) {
        case 'no-issue':
          return noIssue(io, setExit, week);
        case 'nothing-to-send':
          io.stdout(`${week}: no active subscribers, nothing to send (the week is not frozen).\n`);
          return;
        case 'already-sent': {
          const s = res.summary;
          io.stdout(
            `${week} was already sent (finished ${res.send.finishedAt}): ${s.sent} sent, ${s.skipped} skipped; nothing to do.\n`,
          );
          return;
        }
        default:
          io.stdout(`${summaryLine(res.report)}\n`);
          for (const line of problemLines(res.report)) io.stderr(`${line}\n`);
          if (res.status !== 'sent') setExit(1);
      }
    });
}

function noIssue(io: CliIo, setExit: (code: number) => void, week: string): void {
  io.stderr(`${week}: no new pairs, so there is no issue to send.\n`);
  setExit(1);
}
