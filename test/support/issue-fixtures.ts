// Issues for render, archive and bench tests: the seed week, six seed-length pairs, hostile
// text and an oversize issue. Built in memory from data/ so they track the real content.
import { buildIssue } from '../../src/content/build-issue.ts';
import type { Issue, PairScore, ToolScore } from '../../src/content/issue.ts';
import { loadContent } from '../../src/content/load.ts';
import type { RenderOptions } from '../../src/render/view-model.ts';
import { dataDir } from './paths.ts';

export const SEED_WEEK = { year: 2026, week: 48 };
export const RENDER_OPTS: RenderOptions = {
  baseUrl: 'https://verdicts.example.com',
  postalAddress: 'Weekly AI Tool Verdicts, 1 Example Street, Example City, EX1 1EX',
};
export const LINKS = { baseUrl: RENDER_OPTS.baseUrl, secret: 'test-secret-0123456789abcdef' };

export async function seedIssue(): Promise<Issue> {
  const { content } = await loadContent(dataDir);
  const { issue } = buildIssue({
    content,
    week: SEED_WEEK,
    zone: 'UTC',
    carried: new Set(),
    maxPairs: 6,
    number: 1,
  });
  if (!issue) throw new Error('the seed week has no pairs');
  return issue;
}

const renameTool = (t: ToolScore, n: number): ToolScore => ({
  ...t,
  id: `${t.id}-${n}`,
  name: `${t.name} ${n}`,
});

/** The seed pair six times over, with distinct ids and tool names (seed-length quotes). */
export async function sixPairIssue(): Promise<Issue> {
  const seed = await seedIssue();
  const pair = seed.pairs[0]!;
  const pairs = Array.from({ length: 6 }, (_, i): PairScore => {
    const tools = pair.tools.map((t) => renameTool(t, i + 1)) as [ToolScore, ToolScore];
    return {
      ...pair,
      id: `${pair.id}-${i + 1}`,
      headline: `${tools[0].name} vs ${tools[1].name}`,
      tools,
      split: pair.split.map((l) => ({
        ...l,
        verdicts: l.verdicts.map((v, j) => (v ? { ...v, toolId: tools[j]!.id } : null)),
      })),
    };
  });
  return { ...seed, pairs };
}

export const HOSTILE = {
  quote: '<script>alert("x")</script> <mj-section> {{ph.unsub}} [[x]] & ]]> caf\u00e9 — end.',
  toolName: 'Tool & <b>Bold</b> {{name}}',
  headline: 'Evil\r\nBcc: victim@example.com\nheadline <mj-text>',
  tagline: '</mj-text></mj-column></mj-section><mj-raw><script>x()</script></mj-raw>',
};

/** The seed issue with markup, template syntax, CR/LF and ampersands in every data field. */
export async function hostileIssue(): Promise<Issue> {
  const seed = await seedIssue();
  const pair = seed.pairs[0]!;
  const tools = pair.tools.map((t, i) =>
    i === 0 ? { ...t, name: HOSTILE.toolName, tagline: HOSTILE.tagline } : t,
  ) as [ToolScore, ToolScore];
  return {
    ...seed,
    pairs: [
      {
        ...pair,
        headline: HOSTILE.headline,
        tools,
        split: pair.split.map((l, i) => ({
          ...l,
          verdicts: l.verdicts.map((v) => (v && i === 0 ? { ...v, quote: HOSTILE.quote } : v)),
        })),
      },
    ],
  };
}

/** Six pairs whose every short field is padded: far above any size budget. */
export async function hugeIssue(): Promise<Issue> {
  const six = await sixPairIssue();
  const pad = (s: string) => `${s} ${'lorem ipsum dolor sit amet '.repeat(80)}`.trim();
  return {
    ...six,
    pairs: six.pairs.map((p) => ({
      ...p,
      intro: pad('Intro.'),
      verdictLine: pad(p.verdictLine),
      tools: p.tools.map((t) => ({ ...t, tagline: pad(t.tagline) })) as [ToolScore, ToolScore],
    })),
  };
}
