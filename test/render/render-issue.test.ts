import { beforeAll, describe, expect, it } from 'vitest';
import type { Issue } from '../../src/content/issue.ts';
import { SUBJECT_CHARS, subjectLine } from '../../src/render/inbox-line.ts';
import { palette } from '../../src/render/palette.ts';
import { compilePersonaliser } from '../../src/render/personalise.ts';
import { type RenderedIssue, renderIssue } from '../../src/render/render-issue.ts';
import { LINKS, RENDER_OPTS, seedIssue, sixPairIssue } from '../support/issue-fixtures.ts';

let issue: Issue;
let rendered: RenderedIssue;

beforeAll(async () => {
  issue = await seedIssue();
  rendered = await renderIssue(issue, RENDER_OPTS);
});

const reader = { subscriberId: 42, email: 'ada@example.com', name: 'Ada' };

describe('renderIssue on the seed week', () => {
  it('writes subject and preheader on one line each', () => {
    // The From name says who we are: the subject spends its first characters on the pair.
    expect(rendered.subject).toBe('SmolVLM2 vs Code Llama 4: which one should you ship?');
    expect(rendered.preheader).toContain('SmolVLM2 leads the panel: 4 of 4 ship against 3 of 4.');
    expect(rendered.subject).not.toMatch(/[\r\n]/);
  });

  it('shows both tools, their scores, all four lenses and the footer in the HTML', () => {
    const { html } = compilePersonaliser(rendered, issue)(reader, LINKS);
    for (const s of ['SmolVLM2', 'Code Llama 4', '100%', '75%', 'Developer Tools', 'Free']) {
      expect(html).toContain(s);
    }
    for (const lens of ['The Builder', 'The Skeptic', 'The Futurist', 'The Buyer']) {
      expect(html).toContain(lens);
    }
    expect(html).toContain('Which one should you ship with?');
    expect(html).toContain('Open-source 2B vision-language model');
    expect(html).toContain('>Unsubscribe</a>');
    expect(html).toContain('https://verdicts.example.com/unsubscribe/42.0.');
    expect(html).toContain(RENDER_OPTS.postalAddress);
    expect(html).toContain('View in browser');
    expect(html).toContain(
      'href="https://verdicts.example.com/issues/2026-W48/#smolvlm2-vs-code-llama-4"',
    );
    expect(html).toContain('/vote/2026-W48/smolvlm2-vs-code-llama-4/smolvlm2/42:2026-W48.0.');
    expect(html).toContain('/vote/2026-W48/smolvlm2-vs-code-llama-4/code-llama-4/42:2026-W48.0.');
    expect(html).toContain('Hi Ada,');
  });

  it('shows the same in the plain text', () => {
    const { text } = compilePersonaliser(rendered, issue)(reader, LINKS);
    expect(text).toContain('SmolVLM2 vs Code Llama 4');
    expect(text).toMatch(/SmolVLM2 \(Developer Tools\)[\s\S]*Panel ship: 100%/);
    expect(text).toMatch(/Code Llama 4 \(Developer Tools\)[\s\S]*Panel ship: 75%/);
    expect(text).toContain('Community:  No votes yet');
    for (const lens of ['The Builder', 'The Skeptic', 'The Futurist', 'The Buyer']) {
      expect(text).toContain(lens);
    }
    expect(text).toContain('The Buyer: Ship SmolVLM2, Skip Code Llama 4');
    expect(text).toMatch(/Unsubscribe: https:\/\/verdicts\.example\.com\/unsubscribe\/42\.0\.\S+/);
    expect(text).toContain(RENDER_OPTS.postalAddress);
    expect(text).toContain('View in your browser: https://verdicts.example.com/issues/2026-W48/');
  });

  it('carries excerpts in the email and full quotes on the web version', () => {
    const full = issue.pairs[0]!.split[0]!.verdicts[0]!.quote;
    const first = 'The primitive is clean: a transformer-based VLM at 2B params';
    // The excerpt is the sentences that give the ship reason; the opening set-up stays on the web.
    expect(rendered.html).not.toContain(first);
    expect(rendered.webHtml).toContain(first);
    expect(rendered.html).toContain('Earned the ship because');
    expect(rendered.html).not.toContain('four lines of code');
    expect(rendered.webHtml).toContain('four lines of code');
    expect(rendered.webHtml).toContain(issue.pairs[0]!.tools[1].description.slice(0, 60));
    expect(rendered.webHtml).toContain(issue.pairs[0]!.verdictLine);
    expect(full.length).toBeGreaterThan(400);
  });

  it('is built for dark mode, accessibility and Outlook', () => {
    const { html } = rendered;
    expect(html).toMatch(/<html[^>]* lang="en"/);
    expect(html).toContain('<meta name="color-scheme" content="light dark">');
    expect(html).toContain('<meta name="supported-color-schemes" content="light dark">');
    expect(html).toContain('@media (prefers-color-scheme: dark)');
    const tables = html.match(/<table\b[^>]*>/g) ?? [];
    expect(tables.length).toBeGreaterThan(10);
    for (const t of tables) expect(t).toContain('role="presentation"');
    for (const img of html.match(/<img\b[^>]*>/g) ?? []) expect(img).toMatch(/alt="[^"]+"/);
    // The ship bar is a table with width-percent cells, which Outlook paints.
    expect(html).toMatch(/<td class="vt-fill" width="75%" height="8" bgcolor="#[0-9a-f]{6}"/);
    expect(html).toMatch(/<td class="vt-track" width="25%"/);
    expect(rendered.webHtml).toContain('<html lang="en">');
    // 7-bit HTML: non-ASCII as numeric references (safe in any transport, cheap to copy).
    expect(html).not.toMatch(/[\u0080-\uffff]/);
    expect(html).toContain('&#8220;'); // the quotes' opening mark
  });

  it('is deterministic: same issue, same bytes; same recipient, same message', async () => {
    const again = await renderIssue(issue, RENDER_OPTS);
    expect(again).toEqual(rendered);
    const a = compilePersonaliser(rendered, issue)(reader, LINKS);
    const b = compilePersonaliser(again, issue)(reader, LINKS);
    expect(b).toEqual(a);
    expect(a.html).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
  });
});

describe('an editor-chosen pull', () => {
  it('is what the email and the text show; the web version keeps the whole quote', async () => {
    const seed = await seedIssue();
    const pull =
      'The moment of truth is `AutoModelForVision2Seq.from_pretrained` and it just works.';
    const pair = seed.pairs[0]!;
    const withPull: Issue = {
      ...seed,
      pairs: [
        {
          ...pair,
          split: pair.split.map((l, i) => ({
            ...l,
            verdicts: l.verdicts.map((v, j) => (v && i === 0 && j === 0 ? { ...v, pull } : v)),
          })),
        },
      ],
    };
    const out = await renderIssue(withPull, RENDER_OPTS);
    const msg = compilePersonaliser(out, withPull)(reader, LINKS);
    expect(msg.text).toContain(`SmolVLM2 (Ship): “${pull}”`);
    // The backticks mark inline code: <code> in the HTML, kept as they are in the text.
    expect(msg.html).toMatch(
      /&#8220;The moment of truth is <code style="[^"]*">AutoModelForVision2Seq\.from_pretrained<\/code> and it just works\.&#8221;/,
    );
    expect(msg.html).not.toContain('The primitive is clean');
    expect(out.webHtml).toContain('The primitive is clean');
  });
});

describe('the inbox line', () => {
  it('leads the subject with the pairs, never the From name, and fits a phone', () => {
    expect(subjectLine(['A vs B'])).toBe('A vs B: which one should you ship?');
    const six = Array.from({ length: 6 }, (_, i) => `SmolVLM2 ${i + 1} vs Code Llama 4 ${i + 1}`);
    expect(subjectLine(six)).toBe('SmolVLM2 1 vs Code Llama 4 1 +5 more');
    expect(subjectLine(['A vs B', 'C vs D', 'E vs F'])).toBe('A vs B · C vs D · E vs F');
    for (const n of [2, 3, 6]) {
      const line = subjectLine(six.slice(0, n));
      expect(line.length).toBeLessThanOrEqual(SUBJECT_CHARS);
      expect(line).not.toContain('Weekly AI Tool Verdicts');
    }
  });

  it('gives a six-pair preheader every leader, and pads it so no body text follows', async () => {
    const six = await sixPairIssue();
    const out = await renderIssue(six, RENDER_OPTS);
    expect(out.subject).toBe('SmolVLM2 1 vs Code Llama 4 1 +5 more');
    for (let i = 1; i <= 6; i++)
      expect(out.preheader).toContain(`SmolVLM2 ${i} leads Code Llama 4 ${i} (4–3 ship)`);
    // The hidden block: the preheader, then only invisible padding before it closes.
    const hidden = /<div class="vt-pre" style="([^"]*)">([\s\S]*?)<\/div>/.exec(out.html)!;
    expect(hidden[1]).toContain('display:none');
    expect(hidden[1]).toContain(`color:${palette.light.text}`);
    const after = hidden[2]!.slice(hidden[2]!.indexOf('Issue #1'));
    expect(after.replace(/^Issue #1, [^.]+\./, '').replace(/&zwnj;|&nbsp;/g, '')).toBe('');
    expect(after.match(/&zwnj;&nbsp;/g)).toHaveLength(50);
    // No mj-preview: its #ffffff text on our grey page is what spam filters call low contrast.
    expect(out.html).not.toContain('color:#ffffff;line-height:1px');
  });
});
