// Regenerate the archive's index page and Atom feed from every archived issue.
import path from 'node:path';
import type { Issue } from '../content/index.ts';
import { type RenderOptions, renderArchiveIndex, type Templates } from '../render/index.ts';
import { writeFileAtomic } from './atomic.ts';
import { buildFeed } from './feed.ts';
import { ARCHIVE_INDEX_FILES } from './layout.ts';
import { readAllArchivedIssues } from './list-issues.ts';

export async function writeArchiveIndex(
  issuesDir: string,
  opts: RenderOptions & { templates?: Templates },
  /** The issue a build has just written: taken as it is instead of read back from disk. */
  written?: Issue,
): Promise<{ index: string; feed: string }> {
  const others = await readAllArchivedIssues(issuesDir, written ? { except: written.week } : {});
  const issues = written
    ? [...others, written].sort((a, b) => a.week.localeCompare(b.week))
    : others;
  const index = path.join(issuesDir, ARCHIVE_INDEX_FILES.index);
  const feed = path.join(issuesDir, ARCHIVE_INDEX_FILES.feed);
  await writeFileAtomic(index, await renderArchiveIndex(issues, opts));
  await writeFileAtomic(feed, buildFeed(issues, opts));
  return { index, feed };
}
