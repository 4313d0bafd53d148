// The email carries an excerpt of each quote; the full quote lives on the web version. An
// excerpt is whole sentences of the quote, never a word cut off with "…": a reader who sees
// half a sentence loses exactly the reasoning the panel is there for.

/** A sentence ends at . ! or ? before a space and a capital, digit or opening quote. */
const BOUNDARY = /(?<=[.!?][”"’')]?)\s+(?=[“"‘'(`A-Z0-9])/;

/** Phrases in which a lens states its verdict: "Earned the ship because…", "Skip as a…". */
const REASON: Record<'ship' | 'skip', RegExp> = {
  ship: /(^ship\b|\b(?:earns?|earned|earning|deserves?|gets?|the|a) ship\b|\bship (?:it|as|because)\b)/i,
  skip: /(^skip\b|\b(?:earns?|earned|deserves?|gets?|the|a) skip\b|\bskip (?:it|as|because)\b)/i,
};

export function sentences(text: string): string[] {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat === '' ? [] : flat.split(BOUNDARY);
}

/** Index of the sentence that gives the ship/skip reason, or -1. The last one wins: reviews
 * tend to end on their verdict. */
export function reasonSentence(all: readonly string[], verdict: 'ship' | 'skip'): number {
  for (let i = all.length - 1; i >= 0; i--) if (REASON[verdict].test(all[i]!)) return i;
  return -1;
}

/**
 * Whole sentences of `text` in their order, at most `max` characters where whole sentences
 * allow it: the reason sentence first (when there is one), then sentences from the start while
 * they fit. A single sentence longer than `max` is kept whole. Text that fits is unchanged
 * apart from collapsed whitespace.
 */
export function excerpt(text: string, max = 320, verdict?: 'ship' | 'skip'): string {
  const all = sentences(text);
  const flat = all.join(' ');
  if (flat.length <= max) return flat;
  const reason = verdict ? reasonSentence(all, verdict) : -1;
  const keep = new Set<number>([Math.max(reason, 0)]);
  let used = all[[...keep][0]!]!.length;
  for (let i = 0; i < all.length; i++) {
    if (keep.has(i)) continue;
    const add = all[i]!.length + 1;
    if (used + add > max) break;
    keep.add(i);
    used += add;
  }
  return [...keep]
    .sort((a, b) => a - b)
    .map((i) => all[i]!)
    .join(' ');
}
