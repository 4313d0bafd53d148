import type { Command } from 'commander';
import type { PairScore } from '../../content/index.ts';
import { formatWeek, loadContent } from '../../content/index.ts';
import { planIssue } from '../../pipeline/index.ts';
import { type CliIo, type PathFlags, resolveConfig, withData, withIssues } from '../context.ts';
import { weekOption } from '../week-option.ts';

type Flags = PathFlags & { week?: string; json?: boolean };

export function registerPairs(program: Command, io: CliIo): void {
  withIssues(withData(program.command('pairs')))
    .description("show the pairs a week's issue would carry, with their scores")
    .option('--week <YYYY-Www>', 'ISO week (default: the current week)')
    .option('--json', 'print JSON instead of a table')
    .action(async (flags: Flags) => {
      const config = resolveConfig(io, flags);
      const week = weekOption(flags.week, config.NEWSLETTER_TIMEZONE, new Date());
      const { content } = await loadContent(config.DATA_DIR, {
        maxBytes: config.DATA_FILE_MAX_BYTES,
      });
      const { issue, selection } = await planIssue({
        content,
        week,
        issuesDir: config.ISSUES_DIR,
        zone: config.NEWSLETTER_TIMEZONE,
        maxPairs: config.MAX_PAIRS_PER_ISSUE,
      });
      const rolledOver = selection.rolledOver.map((c) => c.id);
      if (flags.json) {
        const out = {
          week: formatWeek(week),
          cutoff: selection.cutoff.toISOString(),
          number: issue?.number ?? null,
          pairs: issue?.pairs ?? [],
          rolledOver,
        };
        io.stdout(`${JSON.stringify(out, null, 2)}\n`);
        return;
      }
      if (!issue) {
        io.stdout(`${formatWeek(week)}: no new pairs, so no issue this week.\n`);
        return;
      }
      io.stdout(
        `${issue.week} (issue #${issue.number}, cutoff ${issue.cutoff}): ${issue.pairs.length} pair(s)\n`,
      );
      for (const p of issue.pairs) io.stdout(describePair(p));
      if (rolledOver.length > 0)
        io.stdout(`rolled over to the next issue: ${rolledOver.join(', ')}\n`);
    });
}

function describePair(p: PairScore): string {
  const pct = (n: number | null) => (n === null ? '—' : `${n}%`);
  const tools = p.tools
    .map(
      (t) =>
        `  ${t.name.padEnd(24)} panel ship ${pct(t.shipPercent).padStart(4)} (${t.ships}/${t.reviews})  community ${pct(t.communityPercent).padStart(4)}  entry ${t.entryPrice}`,
    )
    .join('\n');
  const split = p.split
    .map((l) => `    ${l.lensName}: ${l.verdicts.map((v) => v?.verdict ?? '—').join(' / ')}`)
    .join('\n');
  return `\n${p.headline} (${p.id}, published ${p.publishedAt})\n${tools}\n${split}\n  ${p.verdictLine}\n`;
}
