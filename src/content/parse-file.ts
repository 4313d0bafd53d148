// One data file's text -> a validated value, or every problem in it with line numbers.
// YAML is a superset of JSON, so one parser serves both and gives positions for each.
import { createRequire } from 'node:module';
import type { Document, LineCounter } from 'yaml';
import type { z } from 'zod';
import { err, ok, type Result } from '../result.ts';
import { formatPath, type Problem } from './problem.ts';

/** A data file as read; `refused` says why it was not read at all (a FIFO, too large, …). */
export type SourceFile = { path: string; text: string; refused?: string };

/**
 * Aliases one document may expand before the yaml library gives up (it throws, which used to
 * escape as a stack trace). Real data uses none; a "billion laughs" file needs thousands.
 */
const MAX_ALIAS_COUNT = 100;

/** A parsed file's value, and where a field path (as formatPath prints it) sits in the file. */
export type ParsedFile<T> = { value: T; lineOf: (path: string) => number | undefined };

export function parseFile<S extends z.ZodType>(
  file: SourceFile,
  schema: S,
): Result<ParsedFile<z.infer<S>>, Problem[]> {
  if (file.refused !== undefined) {
    return err([{ file: file.path, path: '', message: file.refused }]);
  }
  const { LineCounter, parseDocument } = loadYaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(file.text, { lineCounter, uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    return err(
      doc.errors.map((e) => ({
        file: file.path,
        path: '',
        line: e.linePos?.[0]?.line,
        message: `syntax error: ${e.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '')}`,
      })),
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    // The yaml library throws (a ReferenceError) for an alias bomb or an alias to nothing.
    return err([{ file: file.path, path: '', message: aliasProblem(e) }]);
  }
  const parsed = schema.safeParse(data, { reportInput: true });
  if (parsed.success) {
    return ok({ value: parsed.data, lineOf: (p) => lineOf(doc, lineCounter, parsePath(p)) });
  }
  return err(
    parsed.error.issues.map((issue) => ({
      file: file.path,
      path: formatPath(issue.path),
      line: lineOf(doc, lineCounter, issue.path),
      message: describeIssue(issue),
    })),
  );
}

// Required on first parse: a send imports content's face for its types and never parses YAML.
const require = createRequire(import.meta.url);
const loadYaml = () => require('yaml') as typeof import('yaml');

const aliasProblem = (e: unknown) => {
  const text = e instanceof Error ? e.message : String(e);
  return /excessive alias count/i.test(text)
    ? `YAML aliases expand too far (over ${MAX_ALIAS_COUNT}): an alias bomb?`
    : `YAML aliases: ${text.split('\n')[0]}`;
};

function lineOf(doc: Document, counter: LineCounter, path: PropertyKey[]): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n) as (string | number)[], true) as
      | { range?: [number, number, number] }
      | undefined;
    if (node?.range) return counter.linePos(node.range[0]).line;
  }
  return undefined;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') {
    return issue.input === undefined
      ? `required field is missing (expected ${issue.expected})`
      : `expected ${issue.expected}, found ${JSON.stringify(issue.input)}`;
  }
  if (issue.code === 'unrecognized_keys') {
    return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} (misspelt?)`;
  }
  const input = (issue as { input?: unknown }).input;
  const found =
    input === undefined || (typeof input === 'object' && input !== null)
      ? ''
      : `, found ${visible(JSON.stringify(input))}`;
  return `${issue.message}${found}`;
}

/** Invisible and bidirectional characters shown as escapes, so a problem prints as it is. */
const visible = (text: string) =>
  text.replace(
    /[\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );

/** The inverse of formatPath: `reviews[1].tool` -> ['reviews', 1, 'tool']. */
function parsePath(p: string): (string | number)[] {
  return [...p.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) =>
    m[2] === undefined ? m[1]! : Number(m[2]),
  );
}
