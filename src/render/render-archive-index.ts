// The archive's front page: every issue, newest first, linking to its web version. Pure.
import type { Issue } from '../content/index.ts';
import { feedUrl, homeUrl, type LinkContext, subscribeUrl, webVersionUrl } from '../links.ts';
import { palette } from './palette.ts';
import { loadTemplates, type Templates } from './templates.ts';
import { DEFAULT_BRAND, type RenderOptions } from './view-model.ts';
import { weekLabel } from './week-label.ts';

export const newestFirst = (issues: readonly Issue[]) =>
  [...issues].sort((a, b) => (a.week < b.week ? 1 : a.week > b.week ? -1 : 0));

export async function renderArchiveIndex(
  issues: readonly Issue[],
  opts: RenderOptions & { templates?: Templates },
): Promise<string> {
  const templates = opts.templates ?? (await loadTemplates());
  const links: LinkContext = { baseUrl: opts.baseUrl, secret: '' };
  return templates.archiveIndex({
    brand: opts.fromName ?? DEFAULT_BRAND,
    postalAddress: opts.postalAddress,
    palette,
    homeUrl: homeUrl(links),
    feedUrl: feedUrl(links),
    subscribeUrl: subscribeUrl(links),
    issues: newestFirst(issues).map((i) => ({
      number: i.number,
      week: i.week,
      weekLabel: weekLabel(i.week, i.timeZone),
      url: webVersionUrl(links, i.week),
      pairCountLabel: i.pairs.length === 1 ? '1 comparison' : `${i.pairs.length} comparisons`,
      pairs: i.pairs.map((p) => ({
        headline: p.headline,
        url: `${webVersionUrl(links, i.week)}#${p.id}`,
      })),
    })),
  });
}
