// Everything that can go wrong while previewing, as rows a page can show: which file, which
// field, which line, what is wrong. Errors become data here so no route ever throws them.
import path from 'node:path';
import type { Problem } from '../../content/index.ts';
import { isVerdictsError } from '../../errors.ts';

export type ShownProblem = {
  /** Where the problem is: data, template, archive, render, week, send. */
  source: string;
  file: string | null;
  field: string | null;
  line: number | null;
  message: string;
};

/** A path as an editor would type it: relative to the working folder when inside it. */
export function displayPath(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

/** Content problems carry paths relative to the data folder. */
export function fromContentProblem(p: Problem, dataDir: string, cwd: string): ShownProblem {
  return {
    source: 'data',
    file: displayPath(path.join(dataDir, p.file), cwd),
    field: p.path || null,
    line: p.line ?? null,
    message: p.message,
  };
}

const PREFIX = /^\[verdicts\] \[[a-z]+\] /;
// "templates/email.mjml.hbs: line 12: mj-text: …" (MJML) or "template x.hbs: Parse error on line 3"
const DETAIL_LINE = /^(?<file>[^\s:][^:]*?):(?: ?line (?<line>\d+):)? (?<message>.*)$/;
const HBS_LINE = /^template (?<file>\S+): (?<message>(?:.|\n)*?on line (?<line>\d+)(?:.|\n)*)$/;

/** Any thrown value as rows: a VerdictsError's message and each of its details. */
export function fromError(e: unknown, source?: string): ShownProblem[] {
  if (!isVerdictsError(e)) {
    const message = e instanceof Error ? e.message : String(e);
    return [{ source: source ?? 'internal', file: null, field: null, line: null, message }];
  }
  const stage = source ?? e.stage;
  const message = e.message.replace(PREFIX, '');
  const hbs = HBS_LINE.exec(message)?.groups;
  const head: ShownProblem = hbs
    ? {
        source: stage,
        file: hbs['file']!,
        field: null,
        line: Number(hbs['line']),
        message: hbs['message']!,
      }
    : { source: stage, file: null, field: null, line: null, message };
  const details = e.details.map((d): ShownProblem => {
    const g = DETAIL_LINE.exec(d)?.groups;
    if (!g) return { source: stage, file: null, field: null, line: null, message: d };
    return {
      source: stage,
      file: g['file']!,
      field: null,
      line: g['line'] ? Number(g['line']) : null,
      message: g['message']!,
    };
  });
  return [head, ...details];
}

/** Absolute paths inside the working folder, in files and messages, shown relative to it. */
export function relativise(p: ShownProblem, cwd: string): ShownProblem {
  const prefix = cwd.endsWith(path.sep) ? cwd : cwd + path.sep;
  return {
    ...p,
    file: p.file && path.isAbsolute(p.file) ? displayPath(p.file, cwd) : p.file,
    message: p.message.replaceAll(prefix, ''),
  };
}

/** One line, as the CLI prints problems: `file:line: field: message`. */
export function formatShown(p: ShownProblem): string {
  const where = p.file ? (p.line ? `${p.file}:${p.line}` : p.file) : p.source;
  return p.field ? `${where}: ${p.field}: ${p.message}` : `${where}: ${p.message}`;
}
