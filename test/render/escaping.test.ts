import { describe, expect, it } from 'vitest';
import { compilePersonaliser } from '../../src/render/personalise.ts';
import { placeholderNonce, placeholders } from '../../src/render/placeholders.ts';
import { renderIssue } from '../../src/render/render-issue.ts';
import { HOSTILE, hostileIssue, LINKS, RENDER_OPTS, seedIssue } from '../support/issue-fixtures.ts';

const reader = { subscriberId: 7, email: 'reader@example.com', name: null };

describe('data always renders as text', () => {
  it('escapes markup, MJML tags, template syntax and ampersands in HTML and the web page', async () => {
    const issue = await hostileIssue();
    const rendered = await renderIssue(issue, RENDER_OPTS);
    for (const html of [rendered.html, rendered.webHtml]) {
      expect(html).not.toContain('<script>');
      expect(html).not.toContain('<mj-');
      expect(html).not.toContain('<b>Bold</b>');
      expect(html).toContain('&lt;script&gt;alert(');
      // The email HTML is 7-bit: é is a numeric reference there.
      expect(html.replace('&#233;', 'é')).toContain(
        '&lt;mj-section&gt; {{ph.unsub}} [[x]] &amp; ]]&gt; café',
      );
      expect(html).toContain('Tool &amp; &lt;b&gt;Bold&lt;/b&gt; {{name}}');
      expect(html).toContain('&lt;/mj-text&gt;&lt;/mj-column&gt;&lt;/mj-section&gt;&lt;mj-raw&gt;');
    }
    // Nothing from data became a tag: the email has exactly the template's structure (the
    // baseline also has an editor headline, which adds its own paragraph).
    const plain = await seedIssue();
    plain.pairs[0]!.headline = 'An editor headline';
    const seed = await renderIssue(plain, RENDER_OPTS);
    // <code> is the one element a quote may make (from `backticks`); the seed's excerpt has one.
    const tags = (h: string) => (h.match(/<(?!code\b)[a-z][a-z0-9-]*/g) ?? []).length;
    expect(tags(rendered.html)).toBe(tags(seed.html));
  });

  it('prints data raw in the plain text, never interpreting it', async () => {
    const issue = await hostileIssue();
    const { text } = compilePersonaliser(await renderIssue(issue, RENDER_OPTS), issue)(
      reader,
      LINKS,
    );
    expect(text).toContain(HOSTILE.quote);
    expect(text).toContain(`${HOSTILE.toolName} (Developer Tools)`);
    expect(text).toContain(HOSTILE.tagline);
  });

  it('keeps CR/LF out of the subject and preheader', async () => {
    const issue = await hostileIssue();
    const rendered = await renderIssue(issue, RENDER_OPTS);
    expect(rendered.subject).toBe(
      'Evil Bcc: victim@example.com headline <mj-text>: which one should you ship?',
    );
    expect(rendered.subject).not.toMatch(/[\r\n]/);
    expect(rendered.preheader).not.toMatch(/[\r\n]/);
    expect(rendered.html).toContain(
      '<title>Evil Bcc: victim@example.com headline &lt;mj-text&gt;: which one should you ship?</title>',
    );
  });
});

describe('placeholders cannot be forged from data', () => {
  it('leaves a quote that contains placeholder text alone', async () => {
    const seed = await seedIssue();
    // Every placeholder the seed issue would use, written into a quote.
    const forged = Object.values(placeholders(placeholderNonce(seed))).join(' ');
    const issue = structuredClone(seed);
    issue.pairs[0]!.split[0]!.verdicts[0]!.quote = `Forged: ${forged}`;
    const rendered = await renderIssue(issue, RENDER_OPTS);
    const msg = compilePersonaliser(rendered, issue)(reader, LINKS);
    for (const body of [msg.html, msg.text]) {
      expect(body).toContain(`Forged: ${forged}`);
      expect(body).toContain('https://verdicts.example.com/unsubscribe/7.0.');
    }
    // The real placeholders of this issue are all filled in.
    const real = Object.values(placeholders(placeholderNonce(issue)));
    for (const p of real) {
      expect(msg.html).not.toContain(p);
      expect(msg.text).not.toContain(p);
    }
  });

  it('never expands a placeholder a recipient put in their own name', async () => {
    const issue = await seedIssue();
    const ph = placeholders(placeholderNonce(issue));
    const rendered = await renderIssue(issue, RENDER_OPTS);
    const sneaky = { subscriberId: 8, email: 'x@example.com', name: `${ph.unsub} <i>x</i>` };
    const msg = compilePersonaliser(rendered, issue)(sneaky, LINKS);
    expect(msg.text).toContain(`Hi ${ph.unsub} <i>x</i>,`);
    expect(msg.html).toContain(`Hi ${ph.unsub} &lt;i&gt;x&lt;/i&gt;,`);
  });
});
