// Data files (already read) -> Content, or every problem across every file at once. Pure.
import type { z } from 'zod';
import { err, ok, type Result } from '../result.ts';
import { crossCheck, type Located } from './cross-check.ts';
import { parseFile, type SourceFile } from './parse-file.ts';
import type { Problem } from './problem.ts';
import { Comparison, type Content, type Lens, PanelFile, Tool } from './schema.ts';

export const DATA_EXTENSIONS = /\.(ya?ml|json)$/;

export type LoadedContent = { content: Content; warnings: Problem[] };

/** `files` carry paths relative to the data folder, with forward slashes. */
export function parseContent(files: SourceFile[]): Result<LoadedContent, Problem[]> {
  const problems: Problem[] = [];
  const panelFiles = files.filter((f) => /^panel\.(ya?ml|json)$/.test(f.path));
  const toolFiles = files.filter(
    (f) => /^tools\/[^/]+$/.test(f.path) && DATA_EXTENSIONS.test(f.path),
  );
  const comparisonFiles = files.filter(
    (f) => /^comparisons\/[^/]+$/.test(f.path) && DATA_EXTENSIONS.test(f.path),
  );

  let lenses: Located<Lens[]> = { file: 'panel.yaml', value: [] };
  if (panelFiles.length !== 1) {
    problems.push({
      file: 'panel.yaml',
      path: '',
      message: panelFiles.length === 0 ? 'the panel file is missing' : 'more than one panel file',
    });
  } else {
    const parsed = parseFile(panelFiles[0]!, PanelFile);
    if (parsed.ok) lenses = { file: panelFiles[0]!.path, value: parsed.value.lenses };
    else problems.push(...parsed.error);
  }
  const tools = collect(toolFiles, Tool, problems);
  const comparisons = collect(comparisonFiles, Comparison, problems);
  if (toolFiles.length === 0)
    problems.push({ file: 'tools/', path: '', message: 'no tool files found' });

  const checked = crossCheck({ lenses, tools, comparisons });
  problems.push(...checked.problems);
  if (problems.length > 0) return err(problems);
  return ok({
    content: {
      lenses: lenses.value,
      tools: new Map(tools.map((t) => [t.value.id, t.value])),
      comparisons: comparisons.map((c) => c.value),
    },
    warnings: checked.warnings,
  });
}

function collect<S extends z.ZodType>(
  files: SourceFile[],
  schema: S,
  problems: Problem[],
): Located<z.infer<S>>[] {
  const out: Located<z.infer<S>>[] = [];
  for (const file of files) {
    const parsed = parseFile(file, schema);
    if (parsed.ok) out.push({ file: file.path, value: parsed.value });
    else problems.push(...parsed.error);
  }
  return out;
}
