// The Issue: plain data that selection + scoring produce and rendering consumes. It is also
// what the archive stores as issue.json, so it has a schema that reading the archive checks.
import { z } from 'zod';

export const ToolScore = z.object({
  id: z.string(),
  name: z.string(),
  category: z.string(),
  tagline: z.string(),
  description: z.string(),
  entryPrice: z.string(),
  licence: z.string().optional(),
  homepage: z.string().optional(),
  ships: z.number().int().nonnegative(),
  reviews: z.number().int().nonnegative(),
  /** Exact ships / reviews, null without reviews. */
  shipShare: z.number().min(0).max(1).nullable(),
  /** Rounded for display. */
  shipPercent: z.number().int().min(0).max(100).nullable(),
  votes: z.number().int().nonnegative(),
  /** This tool's share of the pair's community votes; null ("—") while there are none. */
  communityShare: z.number().min(0).max(1).nullable(),
  communityPercent: z.number().int().min(0).max(100).nullable(),
});
export type ToolScore = z.infer<typeof ToolScore>;

export const LensSplit = z.object({
  lensId: z.string(),
  lensName: z.string(),
  question: z.string(),
  /** Index-aligned with the pair's tools; null where the lens did not review that tool. */
  verdicts: z.array(
    z
      .object({
        toolId: z.string(),
        verdict: z.enum(['ship', 'skip']),
        quote: z.string(),
        /** The editor's pick of the quote for the email, when they made one. */
        pull: z.string().optional(),
      })
      .nullable(),
  ),
});
export type LensSplit = z.infer<typeof LensSplit>;

export const PairScore = z.object({
  id: z.string(),
  headline: z.string(),
  intro: z.string().optional(),
  publishedAt: z.string(),
  editorNote: z.string().optional(),
  tools: z.tuple([ToolScore, ToolScore]),
  split: z.array(LensSplit),
  totalVotes: z.number().int().nonnegative(),
  /** One line: who leads the panel, or a tie. */
  verdictLine: z.string(),
});
export type PairScore = z.infer<typeof PairScore>;

/** How readers voted on a pair of an earlier issue: shown in the next issue's recap. */
export const RecapPair = z.object({
  id: z.string(),
  week: z.string(),
  headline: z.string(),
  tools: z.tuple([
    z.object({
      id: z.string(),
      name: z.string(),
      votes: z.number().int(),
      communityPercent: z.number().int(),
    }),
    z.object({
      id: z.string(),
      name: z.string(),
      votes: z.number().int(),
      communityPercent: z.number().int(),
    }),
  ]),
  totalVotes: z.number().int().positive(),
});
export type RecapPair = z.infer<typeof RecapPair>;

export const Issue = z.object({
  week: z.string().regex(/^\d{4}-W\d{2}$/),
  number: z.number().int().positive(),
  /** The instant the week closed (exclusive), ISO 8601 UTC. */
  cutoff: z.string(),
  timeZone: z.string(),
  pairs: z.array(PairScore).min(1),
  /** The community vote on the previous issue's pairs (only pairs with votes). */
  recap: z.array(RecapPair).optional(),
});
export type Issue = z.infer<typeof Issue>;
