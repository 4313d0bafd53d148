// The welcome email: rendered once per template set (MJML compiles once), then one link is
// filled per reader. Nothing a visitor typed goes in: no name, no address, only the
// HMAC-signed unsubscribe link, so a sign-up form cannot be used to mail someone our
// letterhead with words of its choosing.
import { compileMjml } from './compile-mjml.ts';
import { escapeHtml } from './escape.ts';
import { palette } from './palette.ts';
import type { Templates } from './templates.ts';

export type WelcomeView = { brand: string; homeUrl: string; postalAddress: string };

export type RenderedWelcome = { subject: string; html: string; text: string };

/** Letters and underscores only: survives MJML and minification untouched. */
const UNSUB = '__vt_welcome_unsub__';
const PREFS = '__vt_welcome_prefs__';

const cache = new WeakMap<Templates, Map<string, Promise<RenderedWelcome>>>();

/** Subject, HTML and text with the unsubscribe link left as a placeholder. */
export function renderWelcome(templates: Templates, view: WelcomeView): Promise<RenderedWelcome> {
  const key = JSON.stringify(view);
  const perView = cache.get(templates) ?? new Map<string, Promise<RenderedWelcome>>();
  cache.set(templates, perView);
  let hit = perView.get(key);
  if (!hit) {
    hit = compile(templates, view);
    hit.catch(() => perView.delete(key));
    perView.set(key, hit);
  }
  return hit;
}

async function compile(templates: Templates, view: WelcomeView): Promise<RenderedWelcome> {
  const subject = `Welcome to ${view.brand}`;
  const full = {
    ...view,
    subject,
    preheader: 'You are subscribed: what to expect each week, and the past issues.',
    palette,
    unsub: UNSUB,
    prefs: PREFS,
  };
  const html = await compileMjml(templates.welcome(full), templates.files.welcome);
  const text = `${templates.welcomeText(full).trim()}\n`;
  return { subject, html, text };
}

/** One reader's copy: the same bytes for the same link, so a retried send is identical. */
export function personaliseWelcome(
  rendered: RenderedWelcome,
  unsubscribeUrl: string,
  preferencesUrl: string,
) {
  return {
    subject: rendered.subject,
    html: rendered.html
      .replaceAll(UNSUB, escapeHtml(unsubscribeUrl))
      .replaceAll(PREFS, escapeHtml(preferencesUrl)),
    text: rendered.text.replaceAll(UNSUB, unsubscribeUrl).replaceAll(PREFS, preferencesUrl),
    headers: {
      'List-Unsubscribe': `<${unsubscribeUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' as const,
    },
  };
}
