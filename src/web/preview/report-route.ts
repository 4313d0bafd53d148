// An archived week's report in the preview: the fragment the page fetches after the email
// (like the lint). The database is opened per request and closed at once: the preview holds
// no connection while an editor works, and a missing database is a message, not a new file.
import { existsSync } from 'node:fs';
import Handlebars from 'handlebars';
import type { Hono } from 'hono';
import { formatWeek, parseWeek } from '../../content/week.ts';
import { issueStats } from '../../pipeline/issue-stats.ts';
import { openDatabase } from '../../store/db.ts';
import type { PreviewDeps } from './deps.ts';
import type { PageTemplateStore } from './page-templates.ts';
import { type ReportView, reportView } from './report-view.ts';
import { displayPath } from './shown-problem.ts';

const NO_STORE = { 'Cache-Control': 'no-store' };

type Shown = { absent: string; view: null } | { absent: null; view: ReportView };

async function reportFor(deps: PreviewDeps, week: string): Promise<Shown> {
  const file = deps.config.DATABASE_PATH;
  if (!existsSync(file))
    return {
      absent: `No database at ${displayPath(file, deps.cwd)}: nothing has been sent from here.`,
      view: null,
    };
  const db = openDatabase(file);
  try {
    const out = await issueStats({ db, issuesDir: deps.config.ISSUES_DIR });
    if (out.kind !== 'all') throw new Error('stats for every week answered for one');
    const report = out.reports.find((r) => r.week === week);
    if (!report)
      return { absent: `${week} has not been sent: its report appears once it is.`, view: null };
    return { absent: null, view: reportView(report, out.reports) };
  } finally {
    db.close();
  }
}

export function reportRoute(app: Hono, deps: PreviewDeps, pages: PageTemplateStore) {
  app.get('/weeks/:week/report', async (c) => {
    const parsed = parseWeek(c.req.param('week'));
    if (!parsed.ok) return c.html(Handlebars.escapeExpression(parsed.error), 400, NO_STORE);
    try {
      const report = await reportFor(deps, formatWeek(parsed.value));
      return c.html((await pages.load()).report({ report }), 200, NO_STORE);
    } catch (e) {
      const message = Handlebars.escapeExpression((e as Error).message);
      return c.html(
        `<section id="pv-report" class="pv-box pv-errors" role="alert"><h2 class="pv-h">Report failed</h2><p>${message}</p></section>`,
        200,
        NO_STORE,
      );
    }
  });
}
