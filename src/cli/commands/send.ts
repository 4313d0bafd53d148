// `verdicts send --week 2026-W48`: send a week's issue to every active subscriber (building
// it first if the archive has none), resumably; `--to ADDRESS` sends one [TEST] copy instead.
// Exit codes (src/cli/exit-codes.ts): 0 when every frozen recipient is submitted (or skipped as
// no longer active), the week was already sent, or there is nobody to send to; 1 bad input
// (nothing sent); 3 incomplete, a re-run resumes; 4 another sender holds the week.
import { type Command, Option } from 'commander';
import { VerdictsError } from '../../errors.ts';
import { type PrepareProblem, sendTestCopy, sendWeek, withPipeline } from '../../pipeline/index.ts';
import { findingLine, type LintFinding } from '../../render/index.ts';
import { createProgress, problemLines, summaryLine } from '../../send/index.ts';
import {
  type CliIo,
  type PathFlags,
  resolveConfig,
  withData,
  withDb,
  withIssues,
  withOutbox,
} from '../context.ts';
import { EXIT } from '../exit-codes.ts';
import { formatWeek, weekOption } from '../week-option.ts';

type Flags = PathFlags & {
  week: string;
  resendUncertain?: boolean;
  to?: string;
  transport?: 'auto' | 'resend' | 'outbox';
  accept?: string[];
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
    .option(
      '--accept <finding-id...>',
      'send despite these lint findings (ids from `verdicts lint`, or a whole rule such as size)',
    )
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
      const week = weekOption(flags.week, config.NEWSLETTER_TIMEZONE, new Date());
      await withPipeline(
        config,
        async (p) => {
          if (flags.to !== undefined) {
            const res = await sendTestCopy(p, week, flags.to, { signal: io.signal });
            switch (res.status) {
              case 'no-pairs':
              case 'problems':
                return unbuilt(io, setExit, res);
              case 'failed':
                throw new VerdictsError(
                  'send',
                  `test_${res.error.code}`,
                  `test copy not sent: ${res.error.message}`,
                );
              case 'sent':
                io.stdout(
                  `${res.week}: [TEST] copy sent to ${res.to} via ${res.transport} (id ${res.id})\n`,
                );
                return;
            }
          }
          const res = await sendWeek(p, week, {
            signal: io.signal,
            progress: createProgress(io, formatWeek(week)),
            say: (line) => io.stdout(`${line}\n`),
            resendUncertain: flags.resendUncertain ?? false,
            accept: flags.accept ?? [],
          });
          switch (res.status) {
            case 'no-pairs':
            case 'problems':
              return unbuilt(io, setExit, res);
            // Printed by main as a VerdictsError always was: the message, exit 4 (busy).
            case 'busy':
              throw new VerdictsError('send', 'lease_held', res.message);
            case 'refused':
              io.stderr(`${refusedText(res)}\n`);
              setExit(1);
              return;
            case 'wrong-base-url':
              io.stderr(`${res.week}: ${res.mismatch.message}\n`);
              setExit(1);
              return;
            case 'no-subscribers':
              io.stdout(
                `${res.week}: no active subscribers, nothing to send (the week is not frozen).\n`,
              );
              return;
            case 'already-sent': {
              const s = res.summary;
              io.stdout(
                `${res.week} was already sent (finished ${res.send.finishedAt}): ${s.sent} sent, ${s.skipped} skipped; nothing to do.\n`,
              );
              return;
            }
            case 'sent':
            case 'incomplete':
              io.stdout(`${summaryLine(res.report)}\n`);
              for (const line of problemLines(res.report)) io.stderr(`${line}\n`);
              if (res.status !== 'sent') setExit(EXIT.incomplete);
          }
        },
        { transport: flags.transport ?? 'auto' },
      );
    });
}

/** What the gate found, and how to go ahead anyway. */
export function refusedText(r: { week: string; open: readonly LintFinding[] }): string {
  return [
    `${r.week}: not sent: the issue has ${r.open.length} lint finding(s) nobody accepted; nothing was frozen or sent.`,
    ...r.open.map((f) => `  ${findingLine(f)}`),
    `Fix them and rebuild, or send anyway with --accept ${r.open.map((f) => f.id).join(' ')}`,
  ].join('\n');
}

/** No issue to send, or the week's issue could not be built (printed by main, exit 1). */
function unbuilt(
  io: CliIo,
  setExit: (code: number) => void,
  res: { status: 'no-pairs'; week: string } | { status: 'problems'; problem: PrepareProblem },
): void {
  if (res.status === 'problems') throw res.problem.error;
  noIssue(io, setExit, res.week);
}

function noIssue(io: CliIo, setExit: (code: number) => void, week: string): void {
  io.stderr(`${week}: no new pairs, so there is no issue to send.\n`);
  setExit(EXIT.badInput);
}
