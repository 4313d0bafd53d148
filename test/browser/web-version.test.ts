// The seed issue's web version (and its email) as a reader sees them, at a phone's 375 px and
// a small window's 800 px: both panel-ship bars on one line, lens names on one line, inline
// code without backticks, a community figure with its count beside the other's, no subscribe
// form for a reader who already is one, and no heading asked twice in a row. Screenshots:
// test-artifacts/web-version-{375,800}.png and web-version-email-800.png.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyVotes } from '../../src/content/index.ts';
import { type RenderedIssue, renderIssue } from '../../src/render/render-issue.ts';
import { artifactPath, type Browser, launchBrowser, screenshot } from '../support/browser.ts';
import { RENDER_OPTS, seedIssue } from '../support/issue-fixtures.ts';

const QUESTION = 'Which one should you ship with?';
let browser: Browser;
let rendered: RenderedIssue;
let forReader: RenderedIssue;

beforeAll(async () => {
  const seed = await seedIssue();
  // One reader voted for SmolVLM2: 100% (1 vote) beside 0% for Code Llama 4.
  const voted = applyVotes(seed, new Map([[seed.pairs[0]!.id, { smolvlm2: 1 }]]));
  rendered = await renderIssue(voted, RENDER_OPTS);
  forReader = await renderIssue(voted, { ...RENDER_OPTS, forReader: true });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function webPage(width: number, html = rendered.webHtml): Promise<Page> {
  const page = await browser.page({ width });
  await page.setContent(html);
  return page;
}

/** How many lines each matching element's text takes. A string: no DOM types in tests. */
const linesOf = (page: Page, selector: string): Promise<number[]> =>
  page.evaluate(`[...document.querySelectorAll(${JSON.stringify(selector)})].map((el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
  })`);

describe('the web version', () => {
  it('at 800 px puts both panel-ship bars at one height', async () => {
    const page = await webPage(800);
    const bars = page.locator('.tool .bar');
    expect(await bars.count()).toBe(2);
    const [a, b] = [(await bars.nth(0).boundingBox())!, (await bars.nth(1).boundingBox())!];
    // Side by side...
    expect(b.x).toBeGreaterThan(a.x + a.width);
    // ...and level, though the taglines above them wrap to different lengths.
    expect(Math.abs(a.y - b.y)).toBeLessThan(1);
    await screenshot(page, { path: artifactPath('web-version-800.png'), fullPage: true });
    await page.close();
  });

  it('at 375 px keeps every lens name on one line', async () => {
    const page = await webPage(375);
    const rowHeads = await linesOf(page, 'table.split th[scope="row"]');
    expect(rowHeads).toHaveLength(4);
    expect(rowHeads).toEqual([1, 1, 1, 1]);
    expect(await linesOf(page, 'h4 .lens')).toEqual([1, 1, 1, 1]);
    await screenshot(page, { path: artifactPath('web-version-375.png'), fullPage: true });
    await page.close();
  });

  it('shows inline code as code, without the backticks', async () => {
    const page = await webPage(800);
    const code = page.locator('blockquote code');
    expect(await code.allTextContents()).toEqual(['AutoModelForVision2Seq.from_pretrained']);
    const quotes = (await page.locator('blockquote').allTextContents()).join('\n');
    expect(quotes).not.toContain('`');
    await page.close();
    // The plain-text part keeps them: there they are the convention.
    expect(rendered.text).not.toContain('<code>');
  });

  it('gives each tool its vote count once anyone has voted', async () => {
    const page = await webPage(800);
    const cells = await page.locator('dt:text-is("Community vote") + dd').allTextContents();
    expect(cells).toEqual(['100% (1 vote)', '0% (0 votes)']);
    await page.close();
  });

  it('offers the subscribe form to visitors, not to a reader who already subscribed', async () => {
    expect(rendered.webHtml).toContain('<form class="subscribe"');
    expect(forReader.webHtml).not.toContain('<form class="subscribe"');
  });
});

describe('the email', () => {
  it(`asks "${QUESTION}" once, and repeats no line back to back`, async () => {
    for (const part of [rendered.html, rendered.text, rendered.webHtml]) {
      expect(part.split(QUESTION).length - 1).toBe(1);
    }
    const lines = rendered.text.split('\n').filter((l) => l.trim() !== '');
    const repeats = lines.filter((l, i) => i > 0 && l === lines[i - 1] && !/^[=-]+$/.test(l));
    expect(repeats).toEqual([]);
    const page = await browser.page({ width: 800 });
    await page.setContent(rendered.html);
    // The visible text of the email, block by block: no block says what the one before it said.
    const blocks: string[] = await page.evaluate(
      `[...document.querySelectorAll('h1, h2, h3, p')].map((el) => el.textContent.trim()).filter(Boolean)`,
    );
    expect(blocks.filter((t, i) => i > 0 && t === blocks[i - 1])).toEqual([]);
    expect(blocks.filter((t) => t.includes(QUESTION))).toHaveLength(1);
    // The excerpt's inline code is code in the email too.
    expect(rendered.html).toMatch(
      /<code style="[^"]*">AutoModelForVision2Seq\.from_pretrained<\/code>/,
    );
    await screenshot(page, { path: artifactPath('web-version-email-800.png'), fullPage: true });
    await page.close();
  });
});
