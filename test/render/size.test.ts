import { describe, expect, it } from 'vitest';
import { VerdictsError } from '../../src/errors.ts';
import { EMAIL_HTML_BUDGET, EMAIL_HTML_LIMIT } from '../../src/render/compile-mjml.ts';
import { renderIssue } from '../../src/render/render-issue.ts';
import { hugeIssue, RENDER_OPTS, sixPairIssue } from '../support/issue-fixtures.ts';

describe('email size', () => {
  it('keeps six pairs with seed-length quotes under 90 KB', async () => {
    const issue = await sixPairIssue();
    const { html, text } = await renderIssue(issue, RENDER_OPTS);
    const bytes = Buffer.byteLength(html);
    console.log(
      `six pairs: email.html ${(bytes / 1024).toFixed(1)} KB, email.txt ${(Buffer.byteLength(text) / 1024).toFixed(1)} KB`,
    );
    expect(bytes).toBeLessThan(EMAIL_HTML_BUDGET);
    for (const p of issue.pairs) expect(html).toContain(`id="${p.id}"`);
  });

  it('fails the build above 100 KB, naming the size and the limit', async () => {
    const issue = await hugeIssue();
    const error = await renderIssue(issue, RENDER_OPTS).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VerdictsError);
    const e = error as VerdictsError;
    expect(e.stage).toBe('render');
    expect(e.code).toBe('email_too_large');
    expect(e.message).toMatch(
      /the email HTML is \d+\.\d KB \(\d+ bytes\) on the wire \(quoted-printable; \d+\.\d KB decoded\), over the 100\.0 KB limit \(102400 bytes\)/,
    );
    expect(EMAIL_HTML_LIMIT).toBe(102400);
  });

  it('strips whitespace and comments but keeps Outlook conditionals', async () => {
    const { html } = await renderIssue(await sixPairIssue(), RENDER_OPTS);
    expect(html).not.toMatch(/>\n\s+</);
    expect(html).toContain('<!--[if mso | IE]>');
    expect(html).not.toContain('fonts.googleapis.com');
  });
});
