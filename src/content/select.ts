// Which pairs an issue carries: every pair published before the cutoff that no other issue
// carried, oldest first, up to a maximum; the rest roll over to the next issue. Pure.
import { TZDate } from '@date-fns/tz';
import type { Comparison } from './schema.ts';
import { type Week, weekEnd } from './week.ts';

export type SelectOptions = {
  week: Week;
  zone: string;
  /** Pair ids that another issue already carries. */
  carried: ReadonlySet<string>;
  maxPairs: number;
  /** Build time: pairs published after it are not out yet. Defaults to the week's cutoff. */
  asOf?: Date;
};

export type Selection = { cutoff: Date; pairs: Comparison[]; rolledOver: Comparison[] };

/** A date-only value means midnight in the newsletter's zone; anything else carries its offset. */
export function publishedInstant(publishedAt: string, zone: string): Date {
  const dateOnly = /^(\d{4})-(\d{2})-(\d{2})$/.exec(publishedAt);
  if (!dateOnly) return new Date(publishedAt);
  const [, y, m, d] = dateOnly.map(Number) as [number, number, number, number];
  return new Date(new TZDate(y, m - 1, d, zone).getTime());
}

export function selectPairs(comparisons: readonly Comparison[], opts: SelectOptions): Selection {
  const cutoff = weekEnd(opts.week, opts.zone);
  const limit = opts.asOf && opts.asOf < cutoff ? opts.asOf : cutoff;
  const eligible = comparisons
    .map((c) => ({ c, at: publishedInstant(c.publishedAt, opts.zone).getTime() }))
    .filter(({ c, at }) => at < limit.getTime() && !opts.carried.has(c.id))
    .sort((x, y) => x.at - y.at || x.c.id.localeCompare(y.c.id))
    .map(({ c }) => c);
  return {
    cutoff,
    pairs: eligible.slice(0, opts.maxPairs),
    rolledOver: eligible.slice(opts.maxPairs),
  };
}
