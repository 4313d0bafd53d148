// Read what the archive already holds: each week's issue data, validated.
import { access, readdir, readFile } from 'node:fs/promises';
import { Issue } from '../content/index.ts';
import { VerdictsError } from '../errors.ts';
import { archivePath } from './layout.ts';

const WEEK_DIR = /^\d{4}-W\d{2}$/;

export async function listArchivedWeeks(issuesDir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(issuesDir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const weeks: string[] = [];
  for (const name of names.filter((n) => WEEK_DIR.test(n)).sort()) {
    if (await exists(archivePath(issuesDir, name, 'issue'))) weeks.push(name);
  }
  return weeks;
}

/** issue.json's text as an Issue; a file that is not one throws, naming the file and field. */
export function parseIssueJson(file: string, text: string): Issue {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new VerdictsError(
      'archive',
      'invalid_issue',
      `${file}: not valid JSON (${(e as Error).message})`,
    );
  }
  const parsed = Issue.safeParse(json);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => `${file}: ${i.path.join('.')}: ${i.message}`);
    throw new VerdictsError('archive', 'invalid_issue', `${file} is not a valid issue`, details);
  }
  return parsed.data;
}

/** The archived issue of a week, or null when that week has none. Invalid data throws. */
export async function readArchivedIssue(issuesDir: string, week: string): Promise<Issue | null> {
  const file = archivePath(issuesDir, week, 'issue');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  return parseIssueJson(file, text);
}

/** Every archived issue but `except`'s (a plan leaves out the week it plans, so skip its read). */
export async function readAllArchivedIssues(
  issuesDir: string,
  opts: { except?: string } = {},
): Promise<Issue[]> {
  const weeks = (await listArchivedWeeks(issuesDir)).filter((w) => w !== opts.except);
  const issues = await Promise.all(weeks.map((w) => readArchivedIssue(issuesDir, w)));
  return issues.filter((i): i is Issue => i !== null);
}

/** Whether the week has an archived issue (without reading it). */
export const archiveExists = (issuesDir: string, week: string) =>
  exists(archivePath(issuesDir, week, 'issue'));

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
