// The welcome email in real Chromium: phone and desktop widths without horizontal scroll,
// the button visible, and the dark palette under prefers-color-scheme: dark.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { palette } from '../../src/render/palette.ts';
import { personaliseWelcome, renderWelcome } from '../../src/render/render-welcome.ts';
import { loadTemplates } from '../../src/render/templates.ts';
import {
  artifactPath,
  type Browser,
  launchBrowser,
  measure,
  screenshot,
} from '../support/browser.ts';

let browser: Browser;
let html: string;

beforeAll(async () => {
  const rendered = await renderWelcome(await loadTemplates(), {
    brand: 'Weekly AI Tool Verdicts',
    homeUrl: 'https://verdicts.example.com/',
    postalAddress: '1 Example Street, Example City',
  });
  html = personaliseWelcome(
    rendered,
    'https://verdicts.example.com/unsubscribe/7.0.abc',
    'https://verdicts.example.com/preferences/7.0.def',
  ).html;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

/** `#rrggbb` as Chromium reports a computed colour. */
const rgb = (hex: string) => {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgb(${n >> 16}, ${(n >> 8) & 255}, ${n & 255})`;
};

describe('the welcome email in a browser', () => {
  for (const width of [375, 800]) {
    it(`fits ${width} px with the heading, the button and the unsubscribe link visible`, async () => {
      const page = await browser.page({ width });
      await page.setContent(html);
      const m = await measure(page);
      expect(m.scrollWidth).toBeLessThanOrEqual(m.innerWidth);
      expect(
        await page.getByRole('heading', { name: 'Welcome to Weekly AI Tool Verdicts' }).isVisible(),
      ).toBe(true);
      const button = page.locator('.vt-btn a');
      expect(await button.isVisible()).toBe(true);
      const box = (await button.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(width);
      expect(await page.getByRole('link', { name: 'Unsubscribe' }).getAttribute('href')).toBe(
        'https://verdicts.example.com/unsubscribe/7.0.abc',
      );
      await screenshot(page, { path: artifactPath(`welcome-${width}.png`), fullPage: true });
      await page.close();
    });
  }

  it('switches to the dark palette under prefers-color-scheme: dark', async () => {
    const page = await browser.page({ width: 800, colorScheme: 'dark' });
    await page.setContent(html);
    const bg = await page.evaluate(
      'getComputedStyle(document.querySelector(".vt-card")).backgroundColor',
    );
    expect(bg).toBe(rgb(palette.dark.card));
    await screenshot(page, { path: artifactPath('welcome-800-dark.png'), fullPage: true });
    await page.close();
  });
});
