import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonSchemas } from '../../src/content/json-schema.ts';
import { dataDir } from '../support/paths.ts';

describe('JSON Schemas for editors', () => {
  it('are committed and match the zod schemas (run `npm run schema` after changing them)', () => {
    for (const [name, text] of Object.entries(jsonSchemas())) {
      expect(readFileSync(path.join(dataDir, 'schema', name), 'utf8'), name).toBe(text);
    }
  });

  it('forbid unknown fields, so editors see typos while typing', () => {
    const comparison = JSON.parse(jsonSchemas()['comparison.schema.json']!);
    expect(comparison.additionalProperties).toBe(false);
    expect(comparison.required).toEqual(
      expect.arrayContaining(['id', 'publishedAt', 'tools', 'reviews']),
    );
  });
});
