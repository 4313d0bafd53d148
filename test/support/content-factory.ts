// Small builders for content in tests: a panel, tools and comparisons with sensible defaults.
import type { Comparison, Content, Lens, Tool } from '../../src/content/schema.ts';

export const lenses: Lens[] = [
  { id: 'builder', name: 'The Builder', question: 'Day one?' },
  { id: 'skeptic', name: 'The Skeptic', question: 'What breaks?' },
  { id: 'futurist', name: 'The Futurist', question: 'Which thesis?' },
  { id: 'buyer', name: 'The Buyer', question: 'Who pays?' },
];

export const tool = (id: string, over: Partial<Tool> = {}): Tool => ({
  id,
  name: id.toUpperCase(),
  category: 'Developer Tools',
  tagline: `${id} tagline`,
  description: `${id} description`,
  entryPrice: 'Free',
  ...over,
});

/** `verdicts` gives each lens's verdict on [a, b] in panel order, e.g. ['ship/skip', …]. */
export function comparison(
  id: string,
  publishedAt: string,
  [a, b]: [string, string],
  verdicts: string[] = ['ship/ship', 'ship/ship', 'ship/ship', 'ship/skip'],
  over: Partial<Comparison> = {},
): Comparison {
  const reviews = verdicts.flatMap((pair, i) => {
    const [va, vb] = pair.split('/') as ['ship' | 'skip', 'ship' | 'skip'];
    const lens = lenses[i]!.id;
    return [
      { lens, tool: a, verdict: va, quote: `${lens} on ${a}` },
      { lens, tool: b, verdict: vb, quote: `${lens} on ${b}` },
    ];
  });
  return { id, publishedAt, headline: `${a} vs ${b}`, tools: [a, b], reviews, ...over };
}

export function content(comparisons: Comparison[]): Content {
  const ids = new Set(comparisons.flatMap((c) => c.tools));
  return { lenses, tools: new Map([...ids].map((id) => [id, tool(id)])), comparisons };
}

/** Time is data: tests name instants explicitly. */
export const at = (iso: string) => new Date(iso);
