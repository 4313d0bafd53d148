// What an inbox list shows of an issue before it is opened: the subject and the preheader
// snippet. Both are written from the pairs; neither repeats the From name. Pure.
import type { PairScore } from '../content/index.ts';

/**
 * After the preheader: invisible characters inbox apps count as text, so the snippet ends
 * here instead of running on into the body ("View in browser Issue #1 · …"). A constant of
 * entities only, printed raw.
 */
export const PREHEADER_PAD = '&zwnj;&nbsp;'.repeat(50);

/** Room a phone gives a subject before it cuts (about 40-60 characters). */
export const SUBJECT_CHARS = 60;

/**
 * The pairs' headlines, as many as fit, then "+N more". The From name already says who we
 * are, so the subject spends none of its few visible characters repeating it.
 */
export function subjectLine(headlines: readonly string[]): string {
  if (headlines.length === 1) return `${headlines[0]}: which one should you ship?`;
  return headlineSummary(headlines);
}

/** "A vs B · C vs D +4 more": the headlines that fit in SUBJECT_CHARS (always the first). */
export function headlineSummary(headlines: readonly string[]): string {
  let line = headlines[0]!;
  let shown = 1;
  for (const h of headlines.slice(1)) {
    const rest = headlines.length - shown - 1;
    const tail = rest > 0 ? ` +${rest} more` : '';
    if (`${line} · ${h}${tail}`.length > SUBJECT_CHARS) break;
    line = `${line} · ${h}`;
    shown++;
  }
  const more = headlines.length - shown;
  return more > 0 ? `${line} +${more} more` : line;
}

/** "SmolVLM2 leads Code Llama 4 (4–3 ship)" or "A ties B": one pair in the preheader. */
export function leaderPhrase(p: PairScore): string {
  const [a, b] = p.tools;
  const diff = a.ships * b.reviews - b.ships * a.reviews;
  if (diff === 0) return `${a.name} ties ${b.name}`;
  const [lead, other] = diff > 0 ? [a, b] : [b, a];
  return `${lead.name} leads ${other.name} (${lead.ships}–${other.ships} ship)`;
}
