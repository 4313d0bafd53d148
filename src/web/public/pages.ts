// The public site's own pages (confirm, unsubscribe, vote, subscribe, messages) and the
// confirmation email: Handlebars templates in templates/site/, every value escaped, compiled
// once per folder. Strict mode, so a misspelt field fails in tests instead of printing nothing.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import Handlebars from 'handlebars';
import { DEFAULT_TEMPLATES_DIR, palette } from '../../render/index.ts';

export type PageName = 'message' | 'subscribe' | 'confirm' | 'unsubscribe' | 'vote' | 'preferences';
type Render = (view: object) => string;

export type SiteTemplates = {
  pages: Record<PageName, Render>;
  confirmEmailHtml: Render;
  confirmEmailText: Render;
  css: string;
};

const PAGES: PageName[] = ['message', 'subscribe', 'confirm', 'unsubscribe', 'vote', 'preferences'];
const cache = new Map<string, Promise<SiteTemplates>>();

export function loadSiteTemplates(dir: string = DEFAULT_TEMPLATES_DIR): Promise<SiteTemplates> {
  const key = path.resolve(dir);
  let hit = cache.get(key);
  if (!hit) {
    hit = compile(key);
    hit.catch(() => cache.delete(key));
    cache.set(key, hit);
  }
  return hit;
}

async function compile(dir: string): Promise<SiteTemplates> {
  const hb = Handlebars.create();
  const read = (file: string) => readFile(path.join(dir, file), 'utf8');
  const html = async (file: string): Promise<Render> =>
    hb.compile(await read(file), { strict: true });
  hb.registerPartial('subscribe-form', await html('partials/subscribe-form.hbs'));
  hb.registerPartial('site/layout', await html('site/layout.hbs'));
  const pages = Object.fromEntries(
    await Promise.all(PAGES.map(async (p) => [p, await html(`site/${p}.html.hbs`)] as const)),
  ) as Record<PageName, Render>;
  const text = hb.compile(await read('site/confirm-email.txt.hbs'), {
    strict: true,
    noEscape: true,
  });
  const css = hb.compile(await read('site/site.css.hbs'), { strict: true, noEscape: true })(
    palette,
  );
  return {
    pages,
    confirmEmailHtml: await html('site/confirm-email.html.hbs'),
    confirmEmailText: text,
    css,
  };
}
