// The archive as the public server shows it: only weeks whose send has started, each web version
// re-rendered with the live community share (archived counts + readers' votes). A public week's
// archive is the one the sender published into the store (so a server on any host, with or
// without an issues/ folder, serves it); a week sent before publishing existed is read from
// this host's issues/. Frozen archives are read once; a week not found yet is looked for again
// on the next request (a new week appears without a restart). A web page is rendered again only
// when its vote counts change.
import { readFile } from 'node:fs/promises';
import { archivePath, readArchivedIssue } from '../../archive/index.ts';
import type { Issue } from '../../content/index.ts';
import { applyVotes } from '../../content/index.ts';
import { readPublishedArchive } from '../../pipeline/index.ts';
import type { RenderOptions } from '../../render/index.ts';
import { renderIssue, renderOptions } from '../../render/index.ts';
import type { PublicDeps } from './deps.ts';

export const WEEK = /^\d{4}-W\d{2}$/;

export type LiveIssues = ReturnType<typeof createLiveIssues>;

/** A public week as found: its issue, and the web version as archived (the fallback page). */
type Found = { issue: Issue; webHtml: () => Promise<string> };

export function createLiveIssues(deps: PublicDeps) {
  const renderOpts: RenderOptions = renderOptions(deps.config);
  const archives = new Map<string, Promise<Found | null>>();
  const pages = new Map<string, { key: string; html: Promise<string> }>();

  const find = async (week: string): Promise<Found | null> => {
    const published = await readPublishedArchive(deps.archive, week);
    if (published) return { issue: published.issue, webHtml: async () => published.webHtml };
    const issue = await readArchivedIssue(deps.config.ISSUES_DIR, week);
    const web = archivePath(deps.config.ISSUES_DIR, week, 'web');
    return issue && { issue, webHtml: () => readFile(web, 'utf8') };
  };

  /** A public week's archive; null for an unknown, draft or unsent week, or none found yet. */
  const archived = async (week: string): Promise<Found | null> => {
    if (!WEEK.test(week) || (await deps.ledger.get(week)) === undefined) return null;
    let hit = archives.get(week);
    if (!hit) {
      hit = find(week);
      archives.set(week, hit);
      // Only a found archive is kept: a miss (or a failed read) is looked for again next time.
      hit.then(
        (a) => a === null && archives.delete(week),
        () => archives.delete(week),
      );
    }
    return hit;
  };

  const issue = async (week: string): Promise<Issue | null> =>
    (await archived(week))?.issue ?? null;

  const withLiveVotes = async (i: Issue) =>
    applyVotes(i, await deps.votes.countsByPair(i.pairs.map((p) => p.id)));

  /**
   * The web version with live community shares; falls back to the archived page. `forReader`:
   * for a reader who is already subscribed (arriving from their vote), without the subscribe
   * form.
   */
  const webPage = async (week: string, forReader = false): Promise<string | null> => {
    const found = await archived(week);
    if (!found) return null;
    const live = await withLiveVotes(found.issue);
    const key = JSON.stringify(live.pairs.map((p) => p.tools.map((t) => t.votes)));
    const slot = forReader ? `${week}:reader` : week;
    const cached = pages.get(slot);
    if (cached?.key === key) return cached.html;
    const html = renderIssue(live, { ...renderOpts, forReader }).then((r) => r.webHtml);
    pages.set(slot, { key, html });
    try {
      return await html;
    } catch (e) {
      pages.delete(slot);
      deps.logger.error('web version render failed; serving the archived page', {
        week,
        error: (e as Error).message,
      });
      return found.webHtml();
    }
  };

  /** Every sent issue as archived, newest first (front page and feed: stable entries). */
  const sent = async (): Promise<Issue[]> => {
    const all = await Promise.all((await deps.ledger.sentWeeks()).map(issue));
    return all.filter((i): i is Issue => i !== null);
  };

  return { issue, webPage, sent, withLiveVotes, renderOpts };
}
