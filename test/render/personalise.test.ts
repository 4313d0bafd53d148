import { beforeAll, describe, expect, it } from 'vitest';
import type { Issue } from '../../src/content/issue.ts';
import { VerdictsError } from '../../src/errors.ts';
import { unsubscribeUrl, voteToken } from '../../src/links.ts';
import { compilePersonaliser } from '../../src/render/personalise.ts';
import { type RenderedIssue, renderIssue } from '../../src/render/render-issue.ts';
import { verifyToken } from '../../src/tokens.ts';
import { LINKS, RENDER_OPTS, seedIssue } from '../support/issue-fixtures.ts';

let issue: Issue;
let rendered: RenderedIssue;
beforeAll(async () => {
  issue = await seedIssue();
  rendered = await renderIssue(issue, RENDER_OPTS);
});

describe('compilePersonaliser', () => {
  it('fills unsubscribe, vote links, name and address, and sets the one-click headers', () => {
    const msg = compilePersonaliser(rendered, issue)(
      { subscriberId: 5, email: 'grace@example.com', name: 'Grace' },
      LINKS,
    );
    // The link names its issue, so an opt-out through it counts against that issue.
    const unsub = unsubscribeUrl(LINKS, 5, issue.week);
    expect(unsub).toMatch(new RegExp(`/unsubscribe/[^?]+\\?issue=${issue.week}$`));
    expect(msg.unsubscribeUrl).toBe(unsub);
    expect(msg.headers).toEqual({
      'List-Id': '<weekly-verdicts.verdicts.example.com>',
      'List-Unsubscribe': `<${unsub}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
    expect(msg.html).toContain(`href="${unsub}"`);
    expect(msg.text).toContain(`Unsubscribe: ${unsub}`);
    const token = voteToken(LINKS, 5, '2026-W48');
    expect(verifyToken(LINKS.secret, 'vote', token, new Date()).ok).toBe(true);
    expect(msg.html.split(token).length - 1).toBe(2);
    expect(msg.text.split(token).length - 1).toBe(2);
    expect(msg.html).toContain('grace@example.com subscribed');
    expect(msg.text).toContain('Hi Grace,');
    expect(msg.html).not.toContain('__vt_');
    expect(msg.text).not.toContain('__vt_');
  });

  it('greets a reader without a name, escapes names in HTML and keeps them on one line', () => {
    const p = compilePersonaliser(rendered, issue);
    expect(p({ subscriberId: 1, email: 'a@example.com' }, LINKS).text).toContain('Hi there,');
    const odd = p({ subscriberId: 2, email: "o'b@example.com", name: 'Tom & "Jerry"\r\nX' }, LINKS);
    expect(odd.html).toContain('Hi Tom &amp; &quot;Jerry&quot; X,');
    expect(odd.html).toContain('o&#x27;b@example.com');
    expect(odd.text).toContain('Hi Tom & "Jerry" X,');
  });

  it('gives each recipient their own links and is deterministic', () => {
    const p = compilePersonaliser(rendered, issue);
    const a = p({ subscriberId: 10, email: 'a@example.com' }, LINKS);
    const b = p({ subscriberId: 11, email: 'a@example.com' }, LINKS);
    expect(a.unsubscribeUrl).not.toBe(b.unsubscribeUrl);
    expect(p({ subscriberId: 10, email: 'a@example.com' }, LINKS)).toEqual(a);
  });

  it('refuses a body that was rendered from another issue (placeholders would not match)', () => {
    const other = structuredClone(issue);
    other.number = 2;
    expect(() => compilePersonaliser(rendered, other)).toThrow(VerdictsError);
    expect(() => compilePersonaliser(rendered, other)).toThrow(/no unsubscribe placeholder/);
  });
});
