// The welcome email's own render: email clients support it as well as a stock MJML document,
// the text part carries every link, the bytes are the same for the same reader, and the one
// per-reader field is escaped.
import { describe, expect, it } from 'vitest';
import {
  clientErrors,
  htmlLinks,
  referenceClientErrors,
  textLinks,
} from '../../src/render/lint.ts';
import { personaliseWelcome, renderWelcome } from '../../src/render/render-welcome.ts';
import { loadTemplates } from '../../src/render/templates.ts';

const VIEW = {
  brand: 'Weekly AI Tool Verdicts',
  homeUrl: 'https://verdicts.example.com/',
  postalAddress: '1 Example Street, Example City',
};
const UNSUB = 'https://verdicts.example.com/unsubscribe/7.0.abc?x=1&y=2';
const PREFS = 'https://verdicts.example.com/preferences/7.0.def';

describe('renderWelcome', () => {
  it('uses nothing email clients lack beyond what stock MJML already does', async () => {
    const mail = personaliseWelcome(await renderWelcome(await loadTemplates(), VIEW), UNSUB, PREFS);
    const reference = await referenceClientErrors();
    expect([...(await clientErrors(mail.html))].filter((e) => !reference.has(e))).toEqual([]);
    expect(Buffer.byteLength(mail.html)).toBeLessThan(20 * 1024);
    expect(mail.html).toContain('lang="en"');
    expect(mail.html).toContain('prefers-color-scheme: dark');
  });

  it('has every HTML link in the text part, escapes the link, and repeats its bytes', async () => {
    const rendered = await renderWelcome(await loadTemplates(), VIEW);
    const mail = personaliseWelcome(rendered, UNSUB, PREFS);
    expect(new Set(htmlLinks(mail.html))).toEqual(new Set(textLinks(mail.text)));
    expect(mail.html).toContain(
      'href="https://verdicts.example.com/unsubscribe/7.0.abc?x=1&amp;y=2"',
    );
    expect(mail.text).toContain(`Unsubscribe: ${UNSUB}`);
    // The preference page, beside unsubscribe, in both parts.
    expect(mail.html).toContain(`<a href="${PREFS}">Manage preferences</a>`);
    expect(mail.text).toContain(`Manage preferences (topics, pause, your data): ${PREFS}`);
    expect(mail.html).not.toContain('__vt_welcome_unsub__');
    expect(
      personaliseWelcome(await renderWelcome(await loadTemplates(), VIEW), UNSUB, PREFS),
    ).toEqual(mail);
    expect(mail.subject).toBe('Welcome to Weekly AI Tool Verdicts');
  });
});
