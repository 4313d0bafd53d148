// For every one of the eight seed quotes (data/comparisons/2026-11-24-…), which sentence the
// email's excerpt is built around, the cue that picked it, and why that sentence carries the
// verdict. Before issue 27 the Skeptic's and the Futurist's excerpts were their opening
// sentences (a list of competitors, a thesis), which say nothing of why the lens ships.
import { describe, expect, it } from 'vitest';
import { excerpt, rankByCue, sentences, verdictCue } from '../../src/render/excerpt.ts';
import { EXCERPT_CHARS } from '../../src/render/view-model.ts';
import { seedIssue } from '../support/issue-fixtures.ts';

type Case = {
  lens: string;
  tool: string;
  /** The start of the sentence the excerpt is built around. */
  picked: string;
  cue: string;
  /** Why that sentence, and not the opening, carries the verdict. */
  why: string;
  /** The excerpt in full. */
  excerpt: string;
};

const CASES: Case[] = [
  {
    lens: 'The Builder',
    tool: 'SmolVLM2',
    picked: 'Earned the ship because',
    cue: 'states the ship',
    why: 'it states the verdict and its reason (optimised for deployability); the "just works" sentence, the day-one test the Builder asks about, fits beside it',
    excerpt:
      'The moment of truth is `AutoModelForVision2Seq.from_pretrained` and it just works, which is genuinely rare in the VLM space. Earned the ship because the engineering team clearly optimized for deployability, not benchmark theater.',
  },
  {
    lens: 'The Builder',
    tool: 'Code Llama 4',
    picked: 'The specific decision that earns the ship',
    cue: 'states the ship',
    why: 'it names the one decision that earns the ship: all 70B weights under a licence you can run in your own infra',
    excerpt:
      'The specific decision that earns the ship is releasing all 70B weights under a permissive enough license that you can actually run this in your infra without a phone-home clause.',
  },
  {
    lens: 'The Skeptic',
    tool: 'SmolVLM2',
    picked: 'That said, the Apache 2.0 license is the actual moat',
    cue: 'the moat',
    why: 'after the risks, the "That said" sentence is why the Skeptic still ships: the licence is the moat; the opening only lists competitors',
    excerpt:
      "That said, the Apache 2.0 license is the actual moat here — enterprise teams that can't touch GPL or proprietary weights have a real reason to use this, and Hugging Face's ecosystem integration means the adoption flywheel is already spinning.",
  },
  {
    lens: 'The Skeptic',
    tool: 'Code Llama 4',
    picked: 'Code Llama 4 wins on the agentic fine-tuning angle',
    cue: 'wins',
    why: 'where it wins against the competitors the opening lists is why it ships; the "breaks" and "kills" sentences argue the other way, so they are not cues for a ship',
    excerpt:
      'Code Llama 4 wins on the agentic fine-tuning angle specifically — most open-weight code models are completion-focused and fall apart the moment you ask them to chain tool calls across three steps, which this one was explicitly trained for.',
  },
  {
    lens: 'The Futurist',
    tool: 'SmolVLM2',
    picked: 'SmolVLM2 is early on the efficiency-vs-capability curve',
    cue: 'moves the line',
    why: 'the Futurist asks "early, on time or late?": this is the answer (early, but it moves the line), where the opening is only the thesis',
    excerpt:
      'SmolVLM2 is early on the efficiency-vs-capability curve — not yet at the inflection point where 2B truly replaces 7B for most tasks, but this release moves the line.',
  },
  {
    lens: 'The Futurist',
    tool: 'Code Llama 4',
    picked: 'Code Llama 4 is riding the trend',
    cue: 'on time',
    why: 'the answer to the Futurist\'s question, "on time, not early", is the verdict; the opening is the thesis',
    excerpt:
      "Code Llama 4 is riding the trend of on-prem agentic coding tools that started with Copilot backlash in security-conscious shops — it's on time, not early.",
  },
  {
    lens: 'The Buyer',
    tool: 'SmolVLM2',
    picked: 'It works as a strategy',
    cue: 'works as a strategy',
    why: "the closing judgement on the business (it works with Hugging Face's volume) is why the Buyer ships; the sentence where Hugging Face wins the procurement conversation fits beside it",
    excerpt:
      "That's a real procurement conversation Hugging Face wins with Apache 2.0 and a model that fits on their existing GPU infrastructure. It works as a strategy if the volume is high enough, and Hugging Face has the volume.",
  },
  {
    lens: 'The Buyer',
    tool: 'Code Llama 4',
    picked: 'Skip as a standalone business bet',
    cue: 'states the skip',
    why: "the one skip of the seed, stated with its reason (a bet for someone else's product, not a business); no other cue sentence fits beside it",
    excerpt:
      "Skip as a standalone business bet; ship as infrastructure for someone else's product.",
  },
];

describe('excerpts carry the reasoning: the eight seed quotes', async () => {
  const seed = await seedIssue();
  const pair = seed.pairs[0]!;
  const reviews = pair.split.flatMap((lens) =>
    lens.verdicts.flatMap((v, i) =>
      v ? [{ lens: lens.lensName, tool: pair.tools[i]!.name, ...v }] : [],
    ),
  );

  it('has exactly these eight', () => {
    expect(reviews.map((r) => `${r.lens} / ${r.tool}`).sort()).toEqual(
      CASES.map((c) => `${c.lens} / ${c.tool}`).sort(),
    );
  });

  it.each(CASES.map((c) => [`${c.lens} / ${c.tool}`, c] as const))('%s', (_name, c) => {
    const r = reviews.find((x) => x.lens === c.lens && x.tool === c.tool)!;
    const all = sentences(r.quote);
    const best = rankByCue(all, r.verdict)[0]!;
    expect(all[best]!.startsWith(c.picked), all[best]).toBe(true);
    expect(verdictCue(all[best]!, r.verdict)?.name).toBe(c.cue);
    const out = excerpt(r.quote, EXCERPT_CHARS, r.verdict);
    expect(out).toBe(c.excerpt);
    expect(out.length).toBeLessThanOrEqual(EXCERPT_CHARS);
    // Never the opening sentence alone: it is a list of competitors, a thesis or a set-up.
    expect(out.startsWith(all[0]!)).toBe(false);
  });
});
