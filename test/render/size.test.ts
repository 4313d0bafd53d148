import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { describe, expect, it } from 'vitest';
import { VerdictsError } from '../../src/errors.ts';
import { EMAIL_HTML_BUDGET, EMAIL_HTML_LIMIT } from '../../src/render/compile-mjml.ts';
import { renderIssue } from '../../src/render/render-issue.ts';
import { wireBytes } from '../../src/render/wire-size.ts';
import { hugeIssue, RENDER_OPTS, sixPairIssue } from '../support/issue-fixtures.ts';

describe('wireBytes', () => {
  it('counts quoted-printable: "=" as =3D and a soft break every 76 characters', () => {
    expect(wireBytes('a=b')).toBe(5);
    expect(wireBytes('x'.repeat(76))).toBe(76);
    expect(wireBytes('x'.repeat(152))).toBe(152 + 2 * 3); // "=\r\n" after 75 and 150
  });

  it('matches the HTML part of the MIME message the outbox writes', async () => {
    const issue = await sixPairIssue();
    const { html, text } = await renderIssue(issue, RENDER_OPTS);
    const eml = (
      await new MailComposer({ from: 'a@example.com', to: 'b@example.com', html, text })
        .compile()
        .build()
    ).toString();
    const headers = eml.indexOf('Content-Type: text/html');
    const start = eml.indexOf('\r\n\r\n', headers) + 4;
    // The HTML is the last part: its body runs to the closing boundary.
    const body = eml.slice(start, eml.lastIndexOf('\r\n--'));
    expect(eml.slice(headers, start)).toContain('Content-Transfer-Encoding: quoted-printable');
    expect(Math.abs(Buffer.byteLength(body) - wireBytes(html))).toBeLessThan(8);
    expect(wireBytes(html) / Buffer.byteLength(html)).toBeGreaterThan(1.05);
  });
});

describe('email size', () => {
  it('keeps six pairs with seed-length quotes under 90 KB on the wire', async () => {
    const issue = await sixPairIssue();
    const { html, text } = await renderIssue(issue, RENDER_OPTS);
    const bytes = wireBytes(html);
    console.log(
      `six pairs: email.html ${(bytes / 1024).toFixed(1)} KB on the wire (${(Buffer.byteLength(html) / 1024).toFixed(1)} KB decoded), email.txt ${(Buffer.byteLength(text) / 1024).toFixed(1)} KB`,
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
