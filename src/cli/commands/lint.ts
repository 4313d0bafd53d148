import type { Command } from 'commander';
import { isVerdictsError } from '../../errors.ts';
import { prepareWeek } from '../../pipeline/build-week.ts';
import { kb } from '../../render/compile-mjml.ts';
import { type LintFinding, lintRendered } from '../../render/lint.ts';
import { type CliIo, type PathFlags, resolveConfig, withData, withIssues } from '../context.ts';
import { weekOption } from '../week-option.ts';

type Flags = PathFlags & { week?: string };

export function registerLint(program: Command, io: CliIo, setExit: (code: number) => void): void {
  withIssues(withData(program.command('lint')))
    .description(
      "check a week's email: MJML, size, email-client support, links, plain text; exit 1 on findings",
    )
    .option('--week <YYYY-Www>', 'ISO week (default: the current week)')
    .action(async (flags: Flags) => {
      const config = resolveConfig(io, flags);
      const now = new Date();
      const week = weekOption(flags.week, config.NEWSLETTER_TIMEZONE, now);
      let findings: LintFinding[];
      let summary = '';
      try {
        const prepared = await prepareWeek(config, week, { now });
        if (prepared.status === 'no-pairs') {
          io.stdout(`${prepared.week}: no new pairs, so no issue to lint.\n`);
          return;
        }
        const { rendered, issue } = prepared;
        findings = await lintRendered(rendered, issue, { baseUrl: config.PUBLIC_BASE_URL });
        summary = `${prepared.week}: email.html ${kb(Buffer.byteLength(rendered.html))}, ${issue.pairs.length} pair(s)`;
      } catch (e) {
        // A template that does not compile is a finding of the lint, not a crash.
        if (!isVerdictsError(e) || e.stage !== 'render') throw e;
        const rule = e.code === 'email_too_large' ? 'size' : 'mjml';
        findings = [{ rule, message: [e.message, ...e.details].join('\n    ') }];
      }
      if (findings.length === 0) {
        io.stdout(`${summary}: clean\n`);
        return;
      }
      io.stdout(`${summary || 'lint'}: ${findings.length} finding(s)\n`);
      for (const f of findings) io.stdout(`  [${f.rule}] ${f.message}\n`);
      setExit(1);
    });
}
