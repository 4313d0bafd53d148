// The email carries an excerpt of each quote; the full quote lives on the web version. An
// excerpt is whole sentences of the quote, never a word cut off with "…": a reader who sees
// half a sentence loses exactly the reasoning the panel is there for.
//
// Which sentences: the ones that say why this lens ships or skips the tool. Every sentence is
// scored by the verdict cues it holds (VERDICT_CUES, for the review's own verdict only):
//   3  it states the verdict itself ("Earned the ship because…", "Skip as a standalone…");
//   2  it gives a reason for that verdict in the words each lens's question asks for: a ship
//      "wins", "pays off", "just works", "works as a strategy", has "the moat", is "on time"
//      or "moves the line"; a skip has "no business", is "not the moat", "breaks", what
//      "kills" it, "the risk", "evaporates", "table stakes", is "late";
//   0  anything else: the opening list of competitors, the thesis, the set-up.
// The excerpt is the best sentence (on a tie the later one: reviews end on their verdict),
// then the next best cue sentences while they fit, shown in the quote's order. A sentence
// with no cue is never added, so the space is not spent on an opening that says nothing of
// the verdict. A quote with no cue at all falls back to its opening sentences. Pure and
// deterministic: the same quote and verdict give the same excerpt.

/** A sentence ends at . ! or ? before a space and a capital, digit or opening quote. */
const BOUNDARY = /(?<=[.!?][”"’')]?)\s+(?=[“"‘'(`A-Z0-9])/;

export type Verdict = 'ship' | 'skip';

type Cue = { weight: 3 | 2; name: string; pattern: RegExp; unless?: RegExp };

/** A negated moat ("the model itself is not the moat") argues for a skip, not a ship. */
const NOT_THE_MOAT = /\b(?:not|isn't|is not|no) (?:the |a )?moat\b/i;

export const VERDICT_CUES: Record<Verdict, readonly Cue[]> = {
  ship: [
    {
      weight: 3,
      name: 'states the ship',
      pattern:
        /(^ship\b|\b(?:earns?|earned|earning|deserves?|gets?|the|a) ship\b|\bship (?:it|as|because)\b)/i,
    },
    { weight: 2, name: 'the moat', pattern: /\bmoat\b/i, unless: NOT_THE_MOAT },
    { weight: 2, name: 'wins', pattern: /\bwins?\b/i },
    { weight: 2, name: 'pays off', pattern: /\bpays? off\b/i },
    { weight: 2, name: 'just works', pattern: /\bjust works\b/i },
    { weight: 2, name: 'works as a strategy', pattern: /\bworks as a\b/i },
    { weight: 2, name: 'on time', pattern: /\bon time\b/i },
    { weight: 2, name: 'moves the line', pattern: /\bmoves the line\b/i },
  ],
  skip: [
    {
      weight: 3,
      name: 'states the skip',
      pattern:
        /(^skip\b|\b(?:earns?|earned|deserves?|gets?|the|a) skip\b|\bskip (?:it|as|because)\b)/i,
    },
    { weight: 2, name: 'no business', pattern: /\bno business\b/i },
    { weight: 2, name: 'not the moat', pattern: NOT_THE_MOAT },
    { weight: 2, name: 'what kills it', pattern: /\bkills?\b/i },
    { weight: 2, name: 'breaks', pattern: /\bbreaks\b/i },
    { weight: 2, name: 'the risk', pattern: /\bthe risk\b/i },
    { weight: 2, name: 'evaporates', pattern: /\bevaporates\b/i },
    { weight: 2, name: 'table stakes', pattern: /\btable stakes\b/i },
    { weight: 2, name: 'late', pattern: /\b(?:too )?late\b/i },
  ],
};

export function sentences(text: string): string[] {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat === '' ? [] : flat.split(BOUNDARY);
}

/** The strongest cue of `verdict` in one sentence, or null. */
export function verdictCue(sentence: string, verdict: Verdict): Cue | null {
  let best: Cue | null = null;
  for (const cue of VERDICT_CUES[verdict]) {
    if (!cue.pattern.test(sentence) || cue.unless?.test(sentence)) continue;
    if (!best || cue.weight > best.weight) best = cue;
  }
  return best;
}

/** Sentence indexes with a cue, best first (on a tie, the later sentence first). */
export function rankByCue(all: readonly string[], verdict: Verdict): number[] {
  return all
    .map((s, i) => ({ i, weight: verdictCue(s, verdict)?.weight ?? 0 }))
    .filter((r) => r.weight > 0)
    .sort((a, b) => b.weight - a.weight || b.i - a.i)
    .map((r) => r.i);
}

/** Index of the sentence that best says why the verdict is what it is, or -1. */
export function reasonSentence(all: readonly string[], verdict: Verdict): number {
  return rankByCue(all, verdict)[0] ?? -1;
}

/**
 * Whole sentences of `text` in their order, at most `max` characters where whole sentences
 * allow it: with a verdict, the best cue sentence and then the next best while they fit (see
 * the top of this file); without one, or when no sentence has a cue, the opening sentences
 * that fit. A single sentence longer than `max` is kept whole. Text that fits is unchanged
 * apart from collapsed whitespace.
 */
export function excerpt(text: string, max = 320, verdict?: Verdict): string {
  const all = sentences(text);
  const flat = all.join(' ');
  if (flat.length <= max) return flat;
  const ranked = verdict ? rankByCue(all, verdict) : [];
  const candidates = ranked.length > 0 ? ranked : all.map((_, i) => i);
  const keep = new Set<number>([candidates[0]!]);
  let used = all[candidates[0]!]!.length;
  for (const i of candidates.slice(1)) {
    const add = all[i]!.length + 1;
    if (used + add > max) {
      // Opening sentences stop at the first that does not fit; cue sentences try the next.
      if (ranked.length === 0) break;
      continue;
    }
    keep.add(i);
    used += add;
  }
  return [...keep]
    .sort((a, b) => a - b)
    .map((i) => all[i]!)
    .join(' ');
}
