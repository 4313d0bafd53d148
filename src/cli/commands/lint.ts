import type { Command } from 'commander';
import { readArchivedEmail } from '../../archive/index.ts';
import { archivedBaseUrl, prepareWeek, withPipeline } from '../../pipeline/index.ts';
import {
  finding,
  findingLine,
  kb,
  type LintFinding,
  lintRendered,
  wireBytes,
} from '../../render/index.ts';
import { type CliIo, type PathFlags, resolveConfig, withData, withIssues } from '../context.ts';
import { weekOption } from '../week-option.ts';

type Flags = PathFlags & { week?: string };

/**
 * An archive of this week built for another PUBLIC_BASE_URL is one `send` refuses whatever
 * `--accept` says (send-gate.ts checks the base URL before any finding), so it is no finding
 * with an id to accept: it is printed apart, with what to do instead.
 */
async function archiveBaseRefusals(issuesDir: string, week: string, baseUrl: string) {
  const archived = await readArchivedEmail(issuesDir, week).catch(() => null);
  const built = archived && archivedBaseUrl(archived);
  if (!built || built.replace(/\/+$/, '') === baseUrl.replace(/\/+$/, '')) return [];
  return [
    `[links] issues/${week} was built for PUBLIC_BASE_URL=${built}, not ${baseUrl}: send refuses it, and --accept cannot pass it; rebuild it (verdicts build --week ${week}) or set PUBLIC_BASE_URL=${built}`,
  ];
}

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
      let refusals: string[] = [];
      let summary = '';
      const prepared = await withPipeline(config, (p) => prepareWeek(p, week, { at: now }));
      switch (prepared.status) {
        case 'no-pairs':
          io.stdout(`${prepared.week}: no new pairs, so no issue to lint.\n`);
          return;
        case 'problems': {
          // A template that does not compile is a finding of the lint, not a crash.
          const e = prepared.problem.error;
          if (prepared.problem.stage !== 'render') throw e;
          const rule = e.code === 'email_too_large' ? 'size' : 'mjml';
          findings = [finding(rule, [e.message, ...e.details].join('\n    '))];
          break;
        }
        case 'ready': {
          const { rendered, issue } = prepared;
          findings = await lintRendered(rendered, issue, { baseUrl: config.PUBLIC_BASE_URL });
          refusals = await archiveBaseRefusals(
            config.ISSUES_DIR,
            prepared.week,
            config.PUBLIC_BASE_URL,
          );
          summary = `${prepared.week}: email.html ${kb(wireBytes(rendered.html))} on the wire (${kb(Buffer.byteLength(rendered.html))} decoded), ${issue.pairs.length} pair(s)`;
        }
      }
      if (findings.length === 0 && refusals.length === 0) {
        io.stdout(`${summary}: clean\n`);
        return;
      }
      io.stdout(`${summary || 'lint'}: ${findings.length + refusals.length} finding(s)\n`);
      for (const f of findings) io.stdout(`  ${findingLine(f)}\n`);
      for (const r of refusals) io.stdout(`  ${r}\n`);
      if (refusals.length > 0)
        io.stdout(
          findings.length > 0
            ? 'send and run refuse this issue until it is rebuilt; `--accept <id|rule>…` can pass only the findings with an id.\n'
            : 'send and run refuse this issue until it is rebuilt; --accept cannot pass this.\n',
        );
      else io.stdout('send and run refuse this issue; `--accept <id|rule>…` sends it anyway.\n');
      setExit(1);
    });
}
