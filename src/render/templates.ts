// The only file in render/ that touches the disk: reads templates/ once, compiles every
// template and partial into one private Handlebars environment, and caches the result per
// folder. The preview server calls clearTemplateCache() when a template file changes.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { VerdictsError } from '../errors.ts';
import { PROJECT_ROOT } from '../project-root.ts';
import { inlineCodeHtml } from './inline-code.ts';

export const DEFAULT_TEMPLATES_DIR = path.join(PROJECT_ROOT, 'templates');

type Render = (context: unknown) => string;

export type Templates = {
  dir: string;
  /** Path of each main template, for error messages. */
  files: Record<keyof typeof MAIN, string>;
  email: Render;
  text: Render;
  subject: Render;
  preheader: Render;
  web: Render;
  archiveIndex: Render;
  welcome: Render;
  welcomeText: Render;
};

const MAIN = {
  email: 'email.mjml.hbs',
  text: 'email.txt.hbs',
  subject: 'subject.txt.hbs',
  preheader: 'preheader.txt.hbs',
  web: 'web.html.hbs',
  archiveIndex: 'archive-index.html.hbs',
  welcome: 'welcome.mjml.hbs',
  welcomeText: 'welcome.txt.hbs',
} as const;

/** Plain-text templates print data raw; HTML and MJML templates escape everything. */
const isText = (file: string) => file.endsWith('.txt.hbs');

const cache = new Map<string, Promise<Templates>>();

export function loadTemplates(dir: string = DEFAULT_TEMPLATES_DIR): Promise<Templates> {
  const key = path.resolve(dir);
  let hit = cache.get(key);
  if (!hit) {
    hit = compileTemplates(key);
    hit.catch(() => cache.delete(key));
    cache.set(key, hit);
  }
  return hit;
}

export function clearTemplateCache(): void {
  cache.clear();
}

async function compileTemplates(dir: string): Promise<Templates> {
  // Loaded when templates are first compiled, not by every importer of render's face.
  const { default: Handlebars } = await import('handlebars');
  const hb = Handlebars.create();
  // {{code quote}}: escaped text with `inline code` as <code> (style="…" for the email).
  hb.registerHelper('code', (text: unknown, options: { hash?: { style?: string } }) => {
    const html = inlineCodeHtml(String(text ?? ''), hb.escapeExpression, options.hash?.style);
    return new hb.SafeString(html);
  });
  const partialsDir = path.join(dir, 'partials');
  const partialFiles = (await readdir(partialsDir, { recursive: true }))
    .map((p) => p.split(path.sep).join('/'))
    .filter((p) => p.endsWith('.hbs'))
    .sort();
  for (const file of partialFiles) {
    // partials/email/pair.mjml.hbs -> "email/pair"
    const name = file.replace(/\.[^/]*$/, '');
    const source = await read(path.join(partialsDir, file));
    // Compiled here (not lazily) so each partial keeps its own escaping, whoever calls it.
    hb.registerPartial(name, hb.compile(source, { strict: true, noEscape: isText(file) }));
  }
  const compile = async (file: string): Promise<Render> => {
    const source = await read(path.join(dir, file));
    const template = hb.compile(source, { strict: true, noEscape: isText(file) });
    return (context) => {
      try {
        return template(context);
      } catch (e) {
        throw new VerdictsError(
          'render',
          'template_failed',
          `template ${file}: ${(e as Error).message}`,
        );
      }
    };
  };
  const entries = await Promise.all(
    Object.entries(MAIN).map(async ([k, file]) => [k, await compile(file)] as const),
  );
  const files = Object.fromEntries(
    Object.entries(MAIN).map(([k, file]) => [k, path.join(dir, file)]),
  ) as Templates['files'];
  return { dir, files, ...(Object.fromEntries(entries) as Omit<Templates, 'dir' | 'files'>) };
}

async function read(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw new VerdictsError(
      'render',
      'template_missing',
      `cannot read template ${file}: ${(e as Error).message}`,
    );
  }
}
