// The archive's Atom feed, one entry per issue linking to its web version. Dates come from the
// issues (their cutoffs), never from the clock, so rebuilding the feed is byte-identical.
import { createRequire } from 'node:module';
import type { Issue } from '../content/index.ts';
import { feedUrl, homeUrl, type LinkContext, webVersionUrl } from '../links.ts';
import {
  DEFAULT_BRAND,
  escapeHtml,
  headlineSummary,
  newestFirst,
  weekLabel,
} from '../render/index.ts';

export type FeedOptions = { baseUrl: string; fromName?: string };

// Required when a feed is built, not by every importer of the archive's face (a send).
const require = createRequire(import.meta.url);

export function buildFeed(issues: readonly Issue[], opts: FeedOptions): string {
  const { Feed } = require('feed') as typeof import('feed');
  const links: LinkContext = { baseUrl: opts.baseUrl, secret: '' };
  const brand = opts.fromName ?? DEFAULT_BRAND;
  const sorted = newestFirst(issues);
  const updated = sorted[0] ? new Date(sorted[0].cutoff) : new Date(0);
  const feed = new Feed({
    id: homeUrl(links),
    link: homeUrl(links),
    title: brand,
    description: 'Side-by-side panel verdicts on new AI tools, every week.',
    language: 'en',
    updated,
    generator: brand,
    feedLinks: { atom: feedUrl(links) },
    copyright: brand,
    // RFC 4287 4.1.1: an entry without its own author takes the feed's; one is required.
    author: { name: brand, link: homeUrl(links) },
  });
  for (const issue of sorted) {
    const url = webVersionUrl(links, issue.week);
    feed.addItem({
      id: url,
      link: url,
      // The feed declares these as type="html": escape so data shows as text in readers.
      title: escapeHtml(
        `Issue #${issue.number} (${weekLabel(issue.week, issue.timeZone)}): ${headlineSummary(issue.pairs.map((p) => p.headline))}`,
      ),
      description: escapeHtml(issue.pairs.map((p) => `${p.headline}: ${p.verdictLine}`).join(' ')),
      // Every pair as its own line and link, as on the archive's front page.
      content: `<ul>${issue.pairs
        .map(
          (p) =>
            `<li><a href="${escapeHtml(`${url}#${p.id}`)}">${escapeHtml(p.headline)}</a>: ${escapeHtml(p.verdictLine)}</li>`,
        )
        .join('')}</ul>`,
      date: new Date(issue.cutoff),
      published: new Date(issue.cutoff),
    });
  }
  return feed.atom1();
}
