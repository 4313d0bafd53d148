// A reader's preference page, reached from "Manage preferences" in every email, the welcome
// email and the unsubscribe page: topics, pause (2, 4 or 8 issues) and resume, the greeting
// name, their data as JSON, unsubscribe (and back), and erasure after a confirmation step.
// The signed link is the login. GET only shows; every change is a POST through the site's
// CSRF check, each in one unit of work under the reader's lock. Plain forms: no JavaScript.
import { type Context, Hono } from 'hono';
import { preferencesToken, routes } from '../../../links.ts';
import { err, ok } from '../../../result.ts';
import type { Subscriber } from '../../../store/index.ts';
import type { PublicContext } from '../context.ts';
import {
  canResubscribe,
  checkUnsubscribe,
  type LinkProblem,
  onPreferences,
  resubscribe,
  unsubscribe,
} from '../subscription.ts';
import { linkProblem } from './link-problems.ts';

const PAUSES = new Set([2, 4, 8]);

type Said = { notice?: string; problem?: string; confirmErase?: boolean };

const statusLine = (s: Subscriber) =>
  s.status === 'active'
    ? s.pausedIssues > 0
      ? 'subscribed, paused.'
      : 'subscribed.'
    : s.status === 'pending'
      ? 'waiting for you to confirm your address.'
      : s.status === 'unsubscribed'
        ? 'unsubscribed: no issues are sent to you.'
        : 'no longer mailed (the address bounced or reported spam).';

/** The form's values as lists (checkboxes repeat a name). */
const list = (v: unknown): string[] =>
  (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter(
    (x): x is string => typeof x === 'string',
  );

export function preferencesRoutes(ctx: PublicContext): Hono {
  const { deps, site } = ctx;
  const app = new Hono();

  const show = async (c: Context, token: string, s: Subscriber, said: Said = {}) => {
    const known = await deps.categories();
    const chosen = new Set(s.topics ?? []);
    // A topic the data no longer has stays listed while the reader holds it.
    const categories = [
      ...known.map((k) => ({ slug: k.slug, name: k.name, checked: chosen.has(k.slug) })),
      ...[...chosen]
        .filter((t) => !known.some((k) => k.slug === t))
        .map((t) => ({ slug: t, name: t, checked: true })),
    ];
    return site.page(c, 'preferences', {
      title: 'Your preferences',
      showSubscribeForm: false,
      action: site.url(routes.preferences(token)),
      email: s.email,
      statusLine: statusLine(s),
      notice: said.notice ?? null,
      problem: said.problem ?? null,
      confirmErase: said.confirmErase === true,
      everything: s.topics === null,
      categories,
      paused: s.pausedIssues > 0,
      pausedIssues: s.pausedIssues,
      name: s.name ?? '',
      active: s.status === 'active' || s.status === 'pending',
      canResubscribe: canResubscribe(s),
    });
  };

  app.get('/preferences/:token', async (c) => {
    const token = c.req.param('token');
    const found = await checkUnsubscribe(deps, token, 'preferences');
    if (!found.ok) return linkProblem(site, c, found.error);
    return show(c, token, found.value);
  });

  app.post('/preferences/:token', ctx.csrf, async (c) => {
    const token = c.req.param('token');
    const body = await c.req.parseBody({ all: true });
    const action = typeof body['action'] === 'string' ? body['action'] : '';
    const now = deps.now();
    const change = (fn: Parameters<typeof onPreferences<Subscriber | Said>>[2]) =>
      onPreferences(deps, token, fn);
    const done = async (
      r: Awaited<ReturnType<typeof change>> | { ok: false; error: LinkProblem },
      notice: string,
    ) => {
      if (!r.ok) return linkProblem(site, c, r.error);
      const fresh = await checkUnsubscribe(deps, token, 'preferences');
      if (!fresh.ok) return linkProblem(site, c, fresh.error);
      return show(c, token, fresh.value, 'problem' in r.value ? r.value : { notice });
    };

    switch (action) {
      case 'topics': {
        const known = new Set((await deps.categories()).map((k) => k.slug));
        const everything = list(body['everything']).includes('on');
        const r = await change(async (tx, s) => {
          const held = new Set(s.topics ?? []);
          const picked = list(body['topic']).filter((t) => known.has(t) || held.has(t));
          if (!everything && picked.length === 0) {
            return ok({ problem: 'Choose at least one topic, or everything.' });
          }
          const set = await tx.subscribers.setTopics(s.id, everything ? null : picked, now);
          return set.ok ? ok(set.value) : err('invalid');
        });
        return done(r, 'Your topics are saved: the next issue follows them.');
      }
      case 'pause': {
        const issues = Number(body['issues']);
        if (!PAUSES.has(issues))
          return done(await change(async () => ok({ problem: 'Choose 2, 4 or 8 issues.' })), '');
        const r = await change(async (tx, s) => {
          const p = await tx.subscribers.pause(s.id, issues, now);
          return p.ok ? ok(p.value) : err('invalid');
        });
        return done(r, `Paused for the next ${issues} issues.`);
      }
      case 'resume': {
        const r = await change(async (tx, s) => {
          const back = await tx.subscribers.resume(s.id, now);
          return back ? ok(back) : err('invalid');
        });
        return done(r, 'Resumed: the next issue comes to you again.');
      }
      case 'name': {
        const name = typeof body['name'] === 'string' ? body['name'] : '';
        const r = await change(async (tx, s) => {
          const named = await tx.subscribers.setName(s.id, name.trim() === '' ? null : name, now);
          return named ? ok(named) : err('invalid');
        });
        return done(r, 'Your name is saved.');
      }
      case 'unsubscribe': {
        const r = await unsubscribe(deps, token, undefined, 'preferences');
        if (r.ok) deps.logger.info('unsubscribed (preferences)', { subscriberId: r.value.id });
        return done(r, 'You are unsubscribed: no more issues will be sent to you.');
      }
      case 'resubscribe': {
        const r = await resubscribe(deps, token, 'preferences');
        return done(r, 'You are subscribed again.');
      }
      case 'download': {
        const found = await checkUnsubscribe(deps, token, 'preferences');
        if (!found.ok) return linkProblem(site, c, found.error);
        const history = await deps.subscribers.history(found.value.id);
        const data = { subscriber: found.value, ...history };
        c.header('Cache-Control', 'no-store');
        c.header('Content-Disposition', 'attachment; filename="verdicts-my-data.json"');
        return c.body(`${JSON.stringify(data, null, 2)}\n`, 200, {
          'Content-Type': 'application/json; charset=utf-8',
        });
      }
      case 'erase': {
        const found = await checkUnsubscribe(deps, token, 'preferences');
        if (!found.ok) return linkProblem(site, c, found.error);
        return show(c, token, found.value, { confirmErase: true });
      }
      case 'erase-confirm': {
        const found = await checkUnsubscribe(deps, token, 'preferences');
        if (!found.ok) return linkProblem(site, c, found.error);
        const erased = await deps.forget(found.value.email, now);
        if (!erased.ok) {
          return show(c, token, found.value, {
            problem:
              'An issue is being sent to you right now, so nothing was erased. Please try again in a few minutes.',
          });
        }
        deps.logger.info('erased (preferences)', { subscriberId: found.value.id });
        return site.message(c, 200, {
          title: 'Erased',
          heading: 'Everything is erased',
          paragraphs: [
            'Your address and everything about it are gone; this link no longer works. We will never mail this address again unless you subscribe anew.',
          ],
        });
      }
      default:
        return site.message(c, 400, {
          title: 'Bad request',
          heading: 'That did not work',
          paragraphs: ['Use the buttons on your preference page.'],
        });
    }
  });

  return app;
}

/** The preference page's link for a reader (the unsubscribe page links to it). */
export const preferencesPath = (secret: string, id: number) =>
  routes.preferences(preferencesToken({ baseUrl: '', secret }, id));
