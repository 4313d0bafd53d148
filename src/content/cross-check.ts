// Checks that span files: ids unique, every reference resolves, one review per lens and tool.

import type { Problem } from './problem.ts';
import type { Comparison, Lens, Tool } from './schema.ts';

export type Located<T> = { file: string; value: T };

export type CrossCheckInput = {
  lenses: Located<Lens[]>;
  tools: Located<Tool>[];
  comparisons: Located<Comparison>[];
  /** Ids of tool files that exist but did not parse (already reported). */
  brokenTools?: string[];
};

export function crossCheck(input: CrossCheckInput): { problems: Problem[]; warnings: Problem[] } {
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  const lensIds = firstOccurrences(
    input.lenses.value.map((l, i) => ({
      id: l.id,
      file: input.lenses.file,
      path: `lenses[${i}].id`,
    })),
    'lens',
    problems,
  );
  const toolIds = firstOccurrences(
    input.tools.map((t) => ({ id: t.value.id, file: t.file, path: 'id' })),
    'tool',
    problems,
  );
  for (const t of input.tools) {
    const stem = t.file.replace(/^.*\//, '').replace(/\.(ya?ml|json)$/, '');
    if (stem !== t.value.id) {
      problems.push({
        file: t.file,
        path: 'id',
        message: `"${t.value.id}" does not match the file name "${stem}"`,
      });
    }
  }
  firstOccurrences(
    input.comparisons.map((c) => ({ id: c.value.id, file: c.file, path: 'id' })),
    'comparison',
    problems,
  );
  for (const { file, value: c } of input.comparisons) {
    const [a, b] = c.tools;
    if (a === b)
      problems.push({
        file,
        path: 'tools',
        message: `a pair needs two different tools, found "${a}" twice`,
      });
    c.tools.forEach((id, i) => {
      if (!toolIds.has(id) && !input.brokenTools?.includes(id))
        problems.push({
          file,
          path: `tools[${i}]`,
          message: `unknown tool id "${id}" (no file tools/${id}.yaml)`,
        });
    });
    const seen = new Set<string>();
    c.reviews.forEach((r, i) => {
      if (!lensIds.has(r.lens))
        problems.push({
          file,
          path: `reviews[${i}].lens`,
          message: `unknown lens id "${r.lens}" (see panel.yaml)`,
        });
      if (!c.tools.includes(r.tool))
        problems.push({
          file,
          path: `reviews[${i}].tool`,
          message: `"${r.tool}" is not one of this pair's tools (${a}, ${b})`,
        });
      const key = `${r.lens}\u0000${r.tool}`;
      if (seen.has(key))
        problems.push({
          file,
          path: `reviews[${i}]`,
          message: `lens "${r.lens}" already reviewed "${r.tool}"`,
        });
      seen.add(key);
      // A pull is the reviewer's own words: one that is not in the quote misquotes the lens.
      const flat = (t: string) => t.replace(/\s+/g, ' ').trim();
      if (r.pull !== undefined && !flat(r.quote).includes(flat(r.pull)))
        warnings.push({
          file,
          path: `reviews[${i}].pull`,
          message: 'the pull is not words of the quote (the email would show a misquote)',
        });
    });
    for (const id of Object.keys(c.votes ?? {})) {
      if (!c.tools.includes(id))
        problems.push({
          file,
          path: `votes.${id}`,
          message: `"${id}" is not one of this pair's tools (${a}, ${b})`,
        });
    }
    for (const lens of lensIds) {
      for (const tool of c.tools) {
        if (!seen.has(`${lens}\u0000${tool}`))
          warnings.push({
            file,
            path: 'reviews',
            message: `lens "${lens}" has no review of "${tool}"`,
          });
      }
    }
  }
  return { problems, warnings };
}

function firstOccurrences(
  items: { id: string; file: string; path: string }[],
  kind: string,
  problems: Problem[],
): Set<string> {
  const firstFile = new Map<string, string>();
  for (const item of items) {
    const first = firstFile.get(item.id);
    if (first === undefined) firstFile.set(item.id, item.file);
    else
      problems.push({
        file: item.file,
        path: item.path,
        message: `duplicate ${kind} id "${item.id}" (first in ${first})`,
      });
  }
  return new Set(firstFile.keys());
}
