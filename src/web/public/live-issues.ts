// The archive as the public server shows it: only weeks whose send has started, each web version
// re-rendered with the live community share (archived counts + readers' votes). Archived
// issue.json files of public weeks are frozen, so they are read once; a web page is rendered
// again only when its vote counts change.
import { readFile } from 'node:fs/promises';
import { archivePath, readArchivedIssue } from '../../archive/index.ts';
import type { Issue } from '../../content/index.ts';
import { applyVotes } from '../../content/index.ts';
import type { RenderOptions } from '../../render/index.ts';
import { renderIssue, renderOptions } from '../../render/index.ts';
import type { PublicDeps } from './deps.ts';

export const WEEK = /^\d{4}-W\d{2}$/;

export type LiveIssues = ReturnType<typeof createLiveIssues>;

export function createLiveIssues(deps: PublicDeps) {
  const renderOpts: RenderOptions = renderOptions(deps.config);
  const issues = new Map<string, Promise<Issue | null>>();
  const pages = new Map<string, { key: string; html: Promise<string> }>();

  /** A public week's archived issue; null for an unknown, draft or unsent week. */
  const issue = (week: string): Promise<Issue | null> => {
    if (!WEEK.test(week) || deps.ledger.get(week) === undefined) return Promise.resolve(null);
    let hit = issues.get(week);
    if (!hit) {
      hit = readArchivedIssue(deps.config.ISSUES_DIR, week);
      hit.catch(() => issues.delete(week));
      issues.set(week, hit);
    }
    return hit;
  };

  const withLiveVotes = (i: Issue) =>
    applyVotes(i, deps.votes.countsByPair(i.pairs.map((p) => p.id)));

  /**
   * The web version with live community shares; falls back to the archived page. `forReader`:
   * for a reader who is already subscribed (arriving from their vote), without the subscribe
   * form.
   */
  const webPage = async (week: string, forReader = false): Promise<string | null> => {
    const archived = await issue(week);
    if (!archived) return null;
    const live = withLiveVotes(archived);
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
      return readFile(archivePath(deps.config.ISSUES_DIR, week, 'web'), 'utf8');
    }
  };

  /** Every sent issue as archived, newest first (front page and feed: stable entries). */
  const sent = async (): Promise<Issue[]> => {
    const all = await Promise.all(deps.ledger.sentWeeks().map(issue));
    return all.filter((i): i is Issue => i !== null);
  };

  return { issue, webPage, sent, withLiveVotes, renderOpts };
}
