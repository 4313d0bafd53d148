// The layer rules as data and one pure check, so the test can run it over src/ and over a
// planted file alike. Layers point one way: cli → schedule, web → pipeline → send, archive,
// store → render, report → content; the files at the top of src/ (settings, errors, Result, log,
// links, tokens) sit under everything and import only each other.
import path from 'node:path';

/** Higher imports lower. Units of one rank may not import each other, except as SIDEWAYS says. */
export const RANKS: Record<string, number> = {
  cli: 6,
  schedule: 5,
  'web/preview': 5,
  'web/public': 5,
  pipeline: 4,
  send: 3,
  archive: 3,
  store: 3,
  render: 2,
  report: 2,
  content: 1,
};

/** The sender records batches in the ledger; nothing in store or archive looks sideways. */
export const SIDEWAYS = new Set(['send->store']);

/** Packages only one folder may import. */
export const ONLY_IN: Record<string, string> = {
  resend: 'send',
  'better-sqlite3': 'store',
  pg: 'store',
};

/** Packages imported a function at a time: their index loads everything (date-fns: 18 MB more in `verdicts send`). */
export const NO_INDEX = new Set(['date-fns']);

export type Violation = { file: string; line: number; spec: string; why: string };

/** `content/week.ts` -> `content`; `web/public/routes/x.ts` -> `web/public`; top files -> null. */
export function unitOf(rel: string): string | null {
  const parts = rel.split('/');
  if (parts.length === 1) return null;
  if (parts[0] === 'web' && parts.length > 2) return `web/${parts[1]}`;
  return parts[0]!;
}

// Static imports and re-exports (type-only ones too) and dynamic import() of a string.
const SPEC =
  /(?:^|\n)\s*(?:import|export)\b[^'"]*?\bfrom\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

export function importsOf(text: string): { spec: string; line: number }[] {
  const out: { spec: string; line: number }[] = [];
  for (const m of text.matchAll(SPEC)) {
    const spec = (m[1] ?? m[2])!;
    const at = m.index + m[0].indexOf(spec);
    out.push({ spec, line: text.slice(0, at).split('\n').length });
  }
  return out;
}

/** Every broken rule in `files` (paths relative to src/, forward slashes). */
export function checkImports(files: ReadonlyMap<string, string>): Violation[] {
  const found: Violation[] = [];
  for (const [file, text] of files) {
    const from = unitOf(file);
    for (const { spec, line } of importsOf(text)) {
      const bad = (why: string) => found.push({ file, line, spec, why });
      if (!spec.startsWith('.')) {
        const pkg = spec.startsWith('@')
          ? spec.split('/').slice(0, 2).join('/')
          : spec.split('/')[0]!;
        const owner = ONLY_IN[pkg];
        if (owner && from !== owner) bad(`only src/${owner}/ imports ${pkg}`);
        if (NO_INDEX.has(spec)) bad(`import ${pkg} one function at a time (${pkg}/name)`);
        continue;
      }
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
      const to = unitOf(target);
      if (to === from) continue;
      if (from === null) {
        bad(`the files at the top of src/ import only each other, not ${to}/`);
        continue;
      }
      if (to === null) continue;
      if (target !== `${to}/index.ts`) bad(`import ${to}/ through its face, ${to}/index.ts`);
      const up = RANKS[to]! > RANKS[from]!;
      const sideways = RANKS[to] === RANKS[from] && !SIDEWAYS.has(`${from}->${to}`);
      if (up) bad(`${from}/ is below ${to}/: imports point down the layers`);
      else if (sideways) bad(`${from}/ and ${to}/ are one layer and do not import each other`);
    }
  }
  return found;
}

export const describeViolation = (v: Violation) => `src/${v.file}:${v.line}: '${v.spec}': ${v.why}`;
