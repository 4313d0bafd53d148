// What editors write in data/: one zod schema per file kind. Objects are strict so a misspelt
// field is an error, not a silently ignored line. Each schema and its type share one name.
import { z } from 'zod';

export const Slug = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'expected a lower-case slug such as "code-llama-4"');

const Text = z.string().trim().min(1, 'expected non-empty text');

/**
 * Text shown on one line: in a subject, a heading, the plain-text part. A CR or LF there would
 * let a data file start a new line of its own ("Bcc: …") in the text part; tabs and other
 * control characters have no business in a name either.
 */
const Line = Text.regex(
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  /^[^\u0000-\u001f\u007f-\u009f\u2028\u2029]*$/,
  'must be one line: no line break, tab or other control character',
).regex(
  // Bidirectional controls reorder what a reader sees (a headline that reads one way and says
  // another); zero-width characters hide text or make two equal-looking names differ.
  /^[^\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]*$/,
  'must be plain visible text: no bidirectional control (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C) or zero-width character (U+200B-U+200D, U+2060, U+FEFF)',
);

export const Lens = z.strictObject({
  id: Slug,
  name: Line.describe('Persona name, e.g. "The Builder"'),
  question: Line.describe('The question this lens asks of every tool'),
});
export type Lens = z.infer<typeof Lens>;

export const PanelFile = z.strictObject({
  lenses: z.array(Lens).min(1, 'expected at least one lens'),
});
export type PanelFile = z.infer<typeof PanelFile>;

export const Tool = z.strictObject({
  id: Slug,
  name: Line,
  category: Line,
  tagline: Line,
  description: Text,
  entryPrice: Line.describe('Entry price as shown, e.g. "Free" or "$20/mo"'),
  licence: Line.optional(),
  homepage: z.url({ protocol: /^https$/ }).optional(),
});
export type Tool = z.infer<typeof Tool>;

export const Verdict = z.enum(['ship', 'skip']);
export type Verdict = z.infer<typeof Verdict>;

export const Review = z.strictObject({
  lens: Slug.describe('A lens id from panel.yaml'),
  tool: Slug.describe('One of the two tool ids of this comparison'),
  verdict: Verdict,
  quote: Text,
  pull: Text.describe(
    'Optional: the words of the quote the email shows (the web shows the whole quote). Without it the email shows whole sentences, preferring the one that gives the ship/skip reason',
  ).optional(),
});
export type Review = z.infer<typeof Review>;

/** A date (midnight in the newsletter's zone) or a date-time with an explicit offset. */
export const PublishedAt = z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
  error: 'expected a date (2026-11-24) or a date-time with offset (2026-11-24T09:00:00Z)',
});

export const Comparison = z.strictObject({
  id: Slug,
  publishedAt: PublishedAt,
  headline: Line,
  intro: Text.optional(),
  tools: z.tuple([Slug, Slug]),
  reviews: z.array(Review).min(1, 'expected at least one review'),
  votes: z.record(Slug, z.number().int().nonnegative()).optional(),
  editorNote: Text.optional(),
});
export type Comparison = z.infer<typeof Comparison>;

/** Everything loaded and cross-checked: the pure input of selection, scoring and rendering. */
export type Content = {
  lenses: Lens[];
  tools: Map<string, Tool>;
  comparisons: Comparison[];
};
