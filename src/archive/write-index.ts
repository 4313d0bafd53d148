// Regenerate the archive's index page and Atom feed from every archived issue.
import path from 'node:path';
import { renderArchiveIndex } from '../render/render-archive-index.ts';
import type { Templates } from '../render/templates.ts';
import type { RenderOptions } from '../render/view-model.ts';
import { writeFileAtomic } from './atomic.ts';
import { buildFeed } from './feed.ts';
import { ARCHIVE_INDEX_FILES } from './layout.ts';
import { readAllArchivedIssues } from './list-issues.ts';

export async function writeArchiveIndex(
  issuesDir: string,
  opts: RenderOptions & { templates?: Templates },
): Promise<{ index: string; feed: string }> {
  const issues = await readAllArchivedIssues(issuesDir);
  const index = path.join(issuesDir, ARCHIVE_INDEX_FILES.index);
  const feed = path.join(issuesDir, ARCHIVE_INDEX_FILES.feed);
  await writeFileAtomic(index, await renderArchiveIndex(issues, opts));
  await writeFileAtomic(feed, buildFeed(issues, opts));
  return { index, feed };
}
