// JSON Schemas for editors, generated from the same zod schemas the loader uses.
import { z } from 'zod';
import { Comparison, PanelFile, Tool } from './schema.ts';

export const SCHEMA_FILES = {
  'panel.schema.json': PanelFile,
  'tool.schema.json': Tool,
  'comparison.schema.json': Comparison,
} as const;

export function jsonSchemas(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, schema] of Object.entries(SCHEMA_FILES)) {
    out[name] = `${JSON.stringify(z.toJSONSchema(schema, { io: 'input' }), null, 2)}\n`;
  }
  return out;
}
