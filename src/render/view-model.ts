// Issue -> the plain object the templates print. Every decision (labels, widths, excerpts,
// URLs) is made here in code, so templates stay logic-free and escaping stays Handlebars' job.
import type { Issue, LensSplit, PairScore, RecapPair, ToolScore } from '../content/index.ts';
import {
  feedUrl,
  homeUrl,
  type LinkContext,
  subscribeUrl,
  voteUrl,
  webVersionUrl,
} from '../links.ts';
import { excerpt } from './excerpt.ts';
import { leaderPhrase, PREHEADER_PAD, subjectLine } from './inbox-line.ts';
import { palette } from './palette.ts';
import type { Placeholders } from './placeholders.ts';
import { weekLabel } from './week-label.ts';

export type RenderOptions = {
  baseUrl: string;
  postalAddress: string;
  fromName?: string;
  /**
   * The web version for a reader who is already subscribed (the public site, after a vote):
   * no subscribe form. The archive and the "view in browser" page keep it.
   */
  forReader?: boolean;
};

export const DEFAULT_BRAND = 'Weekly AI Tool Verdicts';
/** Whole sentences up to about this many characters per quote (one long sentence stays whole). */
export const EXCERPT_CHARS = 260;
/** What the community column says before anyone voted: "—" read as a glitch next to a button. */
export const NO_VOTES = 'No votes yet';

/** Dark mode overrides the inline (light) colour through the class. */
const tone = (verdict: 'ship' | 'skip' | null) =>
  verdict === null
    ? { cls: 'vt-m', color: palette.light.muted }
    : { cls: `vt-${verdict}`, color: palette.light[verdict] };

const pct = (n: number | null) => (n === null ? '—' : `${n}%`);
export const communityText = (n: number | null) => (n === null ? NO_VOTES : `${n}%`);

function toolView(t: ToolScore, reviews: ReviewView[], vote: string) {
  const width = t.shipPercent ?? 0;
  return {
    ...t,
    licence: t.licence ?? null,
    homepage: t.homepage ?? null,
    shipLabel: pct(t.shipPercent),
    shipsOf: `${t.ships} of ${t.reviews}`,
    barFill: width,
    barRest: 100 - width,
    communityLabel: communityText(t.communityPercent),
    votesLabel: t.votes === 1 ? '1 vote' : `${t.votes} votes`,
    voteUrl: vote,
    voteLabel: `Vote for ${t.name}`,
    reviews,
  };
}
export type ToolView = ReturnType<typeof toolView>;

type ReviewView = {
  lensName: string;
  question: string;
  toolName: string;
  verdict: 'ship' | 'skip';
  verdictLabel: 'Ship' | 'Skip';
  cls: string;
  color: string;
  quote: string;
  excerpt: string;
};

function reviewsOf(split: LensSplit[], tools: readonly ToolScore[], i: number): ReviewView[] {
  return split.flatMap((lens) => {
    const v = lens.verdicts[i];
    if (!v) return [];
    return [
      {
        lensName: lens.lensName,
        question: lens.question,
        toolName: tools[i]!.name,
        verdict: v.verdict,
        verdictLabel: v.verdict === 'ship' ? 'Ship' : 'Skip',
        ...tone(v.verdict),
        quote: v.quote,
        excerpt: v.pull
          ? v.pull.replace(/\s+/g, ' ').trim()
          : excerpt(v.quote, EXCERPT_CHARS, v.verdict),
      },
    ];
  });
}

function pairView(p: PairScore, index: number, count: number, ctx: Ctx) {
  const tools = p.tools.map((t, i) =>
    toolView(t, reviewsOf(p.split, p.tools, i), voteUrl(ctx.links, ctx.week, p.id, t.id, ctx.vote)),
  );
  const lenses = p.split.map((lens) => ({
    lensName: lens.lensName,
    question: lens.question,
    cells: lens.verdicts.map((v) => ({
      label: v === null ? '—' : v.verdict === 'ship' ? 'Ship' : 'Skip',
      ...tone(v?.verdict ?? null),
    })),
    reviews: [0, 1].flatMap((i) => reviewsOf([lens], p.tools, i)),
  }));
  const title = `${p.tools[0].name} vs ${p.tools[1].name}`;
  return {
    id: p.id,
    title,
    /** Shown only when the editor wrote something other than "A vs B". */
    headline: p.headline === title ? null : p.headline,
    position: `${index + 1} of ${count}`,
    intro: p.intro ?? null,
    editorNote: p.editorNote ?? null,
    verdictLine: p.verdictLine,
    totalVotes: p.totalVotes,
    fullPanelUrl: `${ctx.webUrl}#${p.id}`,
    anchor: `#${p.id}`,
    a: tools[0]!,
    b: tools[1]!,
    tools,
    lenses,
  };
}
type PairBase = ReturnType<typeof pairView>;
/** The email prints the next pair's heading at the end of this pair's section. */
export type PairView = PairBase & { next: PairBase | null };

function overviewItem(p: PairBase, i: number) {
  return {
    n: i + 1,
    title: p.title,
    headline: p.headline,
    verdictLine: p.verdictLine,
    url: p.fullPanelUrl,
    anchor: p.anchor,
  };
}

type Ctx = { links: LinkContext; week: string; webUrl: string; vote: string };

/** "SmolVLM2 62% · Code Llama 4 38%": how readers voted on a pair of the previous issue. */
function recapView(r: RecapPair, links: LinkContext) {
  const [a, b] = r.tools;
  return {
    headline: r.headline,
    line: `${a.name} ${a.communityPercent}% · ${b.name} ${b.communityPercent}%`,
    votesLabel: r.totalVotes === 1 ? '1 vote' : `${r.totalVotes} votes`,
    url: `${webVersionUrl(links, r.week)}#${r.id}`,
  };
}

export function issueView(issue: Issue, opts: RenderOptions, ph: Placeholders) {
  // No secret at render time: tokens are per recipient and filled in by the personaliser.
  const links: LinkContext = { baseUrl: opts.baseUrl, secret: '' };
  const webUrl = webVersionUrl(links, issue.week);
  const ctx: Ctx = { links, week: issue.week, webUrl, vote: ph.vote };
  const base = issue.pairs.map((p, i) => pairView(p, i, issue.pairs.length, ctx));
  const pairs: PairView[] = base.map((p, i) => ({ ...p, next: base[i + 1] ?? null }));
  return {
    brand: opts.fromName ?? DEFAULT_BRAND,
    number: issue.number,
    week: issue.week,
    weekLabel: weekLabel(issue.week, issue.timeZone),
    postalAddress: opts.postalAddress,
    webUrl,
    homeUrl: homeUrl(links),
    feedUrl: feedUrl(links),
    subscribeUrl: subscribeUrl(links),
    palette,
    ph,
    pairs,
    pairCount: pairs.length,
    pairCountLabel: pairs.length === 1 ? '1 comparison' : `${pairs.length} comparisons`,
    /** Two or more pairs: a list at the top, so a reader sees the week before scrolling. */
    overview: pairs.length > 1 ? pairs.map(overviewItem) : null,
    subjectLine: subjectLine(issue.pairs.map((p) => p.headline)),
    leaders: issue.pairs.map(leaderPhrase).join('; '),
    preheaderPad: PREHEADER_PAD,
    first: pairs[0]!,
    showSubscribeForm: !opts.forReader,
    recap: (issue.recap ?? []).map((r) => recapView(r, links)),
  };
}
export type IssueView = ReturnType<typeof issueView>;
