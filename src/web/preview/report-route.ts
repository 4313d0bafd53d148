// An archived week's report in the preview: the fragment the page fetches after the email
// (like the lint), from the pipeline's store; a missing database is a message, not a new file.
import Handlebars from 'handlebars';
import type { Hono } from 'hono';
import { formatWeek, parseWeek } from '../../content/index.ts';
import { issueStats } from '../../pipeline/index.ts';
import type { PreviewDeps } from './deps.ts';
import type { PageTemplateStore } from './page-templates.ts';
import { type ReportView, reportView } from './report-view.ts';
import { displayPath } from './shown-problem.ts';

const NO_STORE = { 'Cache-Control': 'no-store' };

type Shown = { absent: string; view: null } | { absent: null; view: ReportView };

async function reportFor(deps: PreviewDeps, week: string): Promise<Shown> {
  const out = await issueStats(deps.pipeline);
  if (out.kind === 'no_database') {
    const file = displayPath(deps.config.DATABASE_PATH, deps.cwd);
    return { absent: `No database at ${file}: nothing has been sent from here.`, view: null };
  }
  if (out.kind !== 'all') throw new Error('stats for every week answered for one');
  const report = out.reports.find((r) => r.week === week);
  if (!report)
    return { absent: `${week} has not been sent: its report appears once it is.`, view: null };
  return { absent: null, view: reportView(report, out.reports) };
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
