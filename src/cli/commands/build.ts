import type { Command } from 'commander';
import { buildWeek, withPipeline } from '../../pipeline/index.ts';
import { EMAIL_HTML_LIMIT, kb } from '../../render/index.ts';
import {
  type CliIo,
  type PathFlags,
  resolveConfig,
  withData,
  withDb,
  withIssues,
} from '../context.ts';
import { weekOption } from '../week-option.ts';

type Flags = PathFlags & { week?: string };

export function registerBuild(program: Command, io: CliIo): void {
  withDb(withIssues(withData(program.command('build'))))
    .description("render a week's issue and write it to the archive (issues/<week>/)")
    .option('--week <YYYY-Www>', 'ISO week (default: the current week)')
    .action(async (flags: Flags) => {
      const config = resolveConfig(io, flags);
      const now = new Date();
      const week = weekOption(flags.week, config.NEWSLETTER_TIMEZONE, now);
      // A week whose send has started is frozen: build refuses to replace what was sent.
      const result = await withPipeline(config, (p) => buildWeek(p, week, { at: now }));
      switch (result.status) {
        case 'no-pairs':
          io.stdout(`${result.week}: no new pairs, so no issue this week; nothing written.\n`);
          return;
        // Printed by main as every VerdictsError is: the message, its details, exit 1.
        case 'frozen':
          throw result.error;
        case 'problems':
          throw result.problem.error;
        case 'built': {
          const { sizes, issue } = result;
          io.stdout(
            `built ${result.week} (issue #${issue.number}, ${issue.pairs.length} pair(s)) in ${result.dir}\n` +
              `  email.html ${kb(sizes.htmlWireBytes)} on the wire of ${kb(EMAIL_HTML_LIMIT)} limit (${kb(sizes.htmlBytes)} decoded), email.txt ${kb(sizes.textBytes)}, index.html ${kb(sizes.webBytes)}\n` +
              `  subject: ${result.rendered.subject}\n`,
          );
        }
      }
    });
}
