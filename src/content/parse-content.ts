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
  const lineFinders = new Map<string, (path: string) => number | undefined>();
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
    if (parsed.ok) {
      lenses = { file: panelFiles[0]!.path, value: parsed.value.value.lenses };
      lineFinders.set(lenses.file, parsed.value.lineOf);
    } else problems.push(...parsed.error);
  }
  const tools = collect(toolFiles, Tool, problems, lineFinders);
  const comparisons = collect(comparisonFiles, Comparison, problems, lineFinders);
  if (toolFiles.length === 0)
    problems.push({ file: 'tools/', path: '', message: 'no tool files found' });

  // A tool file that failed to parse still names an id (its file name): don't also report
  // every comparison that uses it as an unknown tool.
  const brokenTools = toolFiles
    .filter((f) => !tools.some((t) => t.file === f.path))
    .map((f) => f.path.replace(/^tools\//, '').replace(DATA_EXTENSIONS, ''));
  const checked = crossCheck({ lenses, tools, comparisons, brokenTools });
  const withLine = (p: Problem): Problem => ({
    ...p,
    line: p.line ?? lineFinders.get(p.file)?.(p.path),
  });
  problems.push(...checked.problems.map(withLine));
  if (problems.length > 0) return err(problems);
  return ok({
    content: {
      lenses: lenses.value,
      tools: new Map(tools.map((t) => [t.value.id, t.value])),
      comparisons: comparisons.map((c) => c.value),
    },
    warnings: checked.warnings.map(withLine),
  });
}

function collect<S extends z.ZodType>(
  files: SourceFile[],
  schema: S,
  problems: Problem[],
  lineFinders: Map<string, (path: string) => number | undefined>,
): Located<z.infer<S>>[] {
  const out: Located<z.infer<S>>[] = [];
  for (const file of files) {
    const parsed = parseFile(file, schema);
    if (parsed.ok) {
      out.push({ file: file.path, value: parsed.value.value });
      lineFinders.set(file.path, parsed.value.lineOf);
    } else problems.push(...parsed.error);
  }
  return out;
}
