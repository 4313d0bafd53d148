// Turn a week (or a bad week id) into the full page or the fragments the client swaps in on
// live reload. A page template that itself fails still yields a readable page.
import Handlebars from 'handlebars';
import { formatWeek, parseWeek, type Week } from '../../content/index.ts';
import type { PreviewDeps } from './deps.ts';
import type { PageTemplateStore } from './page-templates.ts';
import { lintView, listView, panelView, problemPanel, type ViewState } from './page-view.ts';
import type { PreviewState } from './preview-state.ts';
import { displayPath, fromError } from './shown-problem.ts';

export type Renderer = ReturnType<typeof createRenderer>;
export type Fragments = {
  version: number;
  week: string;
  title: string;
  list: string;
  panel: string;
};

export function createRenderer(deps: PreviewDeps, state: PreviewState, pages: PageTemplateStore) {
  const transportLabel =
    deps.pipeline.transport().name === 'outbox'
      ? `the local outbox (${displayPath(deps.config.OUTBOX_DIR, deps.cwd)})`
      : 'Resend';

  /** `withLint` waits for the findings; otherwise they start and the page fetches them. */
  async function panelFor(weekText: string, withLint: boolean) {
    const parsed = parseWeek(weekText);
    if (!parsed.ok) {
      const problem = {
        source: 'week',
        file: null,
        field: null,
        line: null,
        message: parsed.error,
      };
      return {
        ok: false as const,
        week: null,
        panel: problemPanel(weekText, 'Not a week', [problem]),
      };
    }
    const week = formatWeek(parsed.value);
    try {
      const lint = state.findings(parsed.value);
      const [preview, findings] = await Promise.all([
        state.week(parsed.value),
        withLint ? lint : null,
      ]);
      const panel = panelView({
        preview,
        findings,
        fromEmail: deps.config.FROM_EMAIL,
        transport: transportLabel,
        version: deps.hub.version(),
      });
      return { ok: true as const, week, panel };
    } catch (e) {
      return { ok: true as const, week, panel: problemPanel(week, week, fromError(e)) };
    }
  }

  async function listFor(selected: string | null) {
    try {
      return listView(await state.weeks(), selected);
    } catch {
      return listView([], selected);
    }
  }

  return {
    /** The lint section of a week's panel. */
    async lint(week: Week): Promise<string> {
      const findings = await state.findings(week);
      try {
        const lint = lintView(formatWeek(week), findings, deps.hub.version());
        return (await pages.load()).lint({ lint });
      } catch (e) {
        return fallbackBody(e);
      }
    },

    /** The whole page; `status` is 400 for a week id that is not one. */
    async page(weekText: string, view: ViewState): Promise<{ status: 200 | 400; html: string }> {
      const { ok, week, panel } = await panelFor(weekText, true);
      const list = await listFor(week);
      const context = {
        title: `${week ?? 'Bad week'} · Verdicts preview`,
        week: week ?? '',
        weekInput: week ?? '',
        version: deps.hub.version(),
        state: view,
        list,
        panel,
      };
      try {
        return { status: ok ? 200 : 400, html: (await pages.load()).page(context) };
      } catch (e) {
        return { status: 200, html: fallbackPage(e) };
      }
    },

    /** What live reload and week switching swap in: the email first, the lint after. */
    async fragments(weekText: string): Promise<{ status: 200 | 400; body: Fragments }> {
      const { ok, week, panel } = await panelFor(weekText, false);
      const list = await listFor(week);
      let rendered: { list: string; panel: string };
      try {
        const t = await pages.load();
        rendered = { list: t.weekList({ list }), panel: t.panel({ panel }) };
      } catch (e) {
        rendered = { list: '', panel: fallbackBody(e) };
      }
      return {
        status: ok ? 200 : 400,
        body: {
          version: deps.hub.version(),
          week: week ?? '',
          title: `${week ?? 'Bad week'} · Verdicts preview`,
          ...rendered,
        },
      };
    },
  };
}

const esc = Handlebars.escapeExpression;

const PAGE_FAILED = 'The preview page itself failed (templates/preview/): fix it and save.';

function fallbackBody(e: unknown, title = PAGE_FAILED): string {
  const rows = fromError(e, 'preview page').map((p) => `<li>${esc(p.message)}</li>`);
  return `<section class="pv-box pv-errors" role="alert"><h2>${esc(title)}</h2><ul>${rows.join('')}</ul><p><a href="/">Back to the preview</a></p></section>`;
}

/** A page that needs no template: a broken page template must not hide its own error. */
export function fallbackPage(e: unknown, title = PAGE_FAILED): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><link rel="stylesheet" href="/_preview/preview.css"><script type="module" src="/_preview/preview.js"></script></head><body class="pv"><main id="pv-panel" class="pv-panel">${fallbackBody(e, title)}</main></body></html>`;
}
