// The preview's own pages: Handlebars templates under templates/preview/, compiled into a
// private environment that escapes everything. Reloaded after a template file changes.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import Handlebars from 'handlebars';
import { DEFAULT_TEMPLATES_DIR } from '../../render/index.ts';

export const DEFAULT_PAGE_TEMPLATES_DIR = path.join(DEFAULT_TEMPLATES_DIR, 'preview');

type Render = (context: object) => string;
export type PageTemplates = {
  page: Render;
  panel: Render;
  weekList: Render;
  lint: Render;
  report: Render;
};

export function createPageTemplates(dir: string = DEFAULT_PAGE_TEMPLATES_DIR) {
  let cached: Promise<PageTemplates> | undefined;
  return {
    load(): Promise<PageTemplates> {
      if (!cached) {
        cached = compile(dir);
        cached.catch(() => {
          cached = undefined;
        });
      }
      return cached;
    },
    clear() {
      cached = undefined;
    },
  };
}
export type PageTemplateStore = ReturnType<typeof createPageTemplates>;

async function compile(dir: string): Promise<PageTemplates> {
  const hb = Handlebars.create();
  const partialsDir = path.join(dir, 'partials');
  const files = (await readdir(partialsDir)).filter((f) => f.endsWith('.hbs')).sort();
  for (const file of files) {
    const source = await readFile(path.join(partialsDir, file), 'utf8');
    hb.registerPartial(file.replace(/\..*$/, ''), hb.compile(source, { strict: true }));
  }
  const page = hb.compile(await readFile(path.join(dir, 'page.html.hbs'), 'utf8'), {
    strict: true,
  });
  const partial = (name: string): Render => {
    const template = hb.partials[name] as Render | undefined;
    if (!template) throw new Error(`templates/preview/partials/${name}.html.hbs is missing`);
    return template;
  };
  return {
    page,
    panel: partial('panel'),
    weekList: partial('week-list'),
    lint: partial('lint'),
    report: partial('report'),
  };
}
