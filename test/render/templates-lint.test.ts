import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { VerdictsError } from '../../src/errors.ts';
import { lintRendered } from '../../src/render/lint.ts';
import { renderIssue } from '../../src/render/render-issue.ts';
import {
  clearTemplateCache,
  DEFAULT_TEMPLATES_DIR,
  loadTemplates,
} from '../../src/render/templates.ts';
import { RENDER_OPTS, seedIssue, sixPairIssue } from '../support/issue-fixtures.ts';
import { tempDir } from '../support/paths.ts';

function copyTemplates(): string {
  const dir = path.join(tempDir('verdicts-templates-'), 'templates');
  cpSync(DEFAULT_TEMPLATES_DIR, dir, { recursive: true });
  return dir;
}

function edit(dir: string, file: string, from: string | RegExp, to: string): void {
  const p = path.join(dir, file);
  const before = readFileSync(p, 'utf8');
  const after = before.replace(from, to);
  expect(after).not.toBe(before);
  writeFileSync(p, after);
}

describe('template loading', () => {
  it('caches compiled templates until the cache is cleared', async () => {
    const dir = copyTemplates();
    const first = await loadTemplates(dir);
    expect(await loadTemplates(dir)).toBe(first);
    edit(dir, 'subject.txt.hbs', '{{subjectLine}}', 'Changed #{{number}}');
    expect(await loadTemplates(dir)).toBe(first);
    clearTemplateCache();
    const templates = await loadTemplates(dir);
    const { subject } = await renderIssue(await seedIssue(), { ...RENDER_OPTS, templates });
    expect(subject).toBe('Changed #1');
  });

  it('turns invalid MJML into a render error naming the template', async () => {
    const dir = copyTemplates();
    edit(
      dir,
      'partials/email/pair.mjml.hbs',
      '<mj-section padding="4px 0 28px">',
      '<mj-section><mj-text>bad</mj-text>',
    );
    const templates = await loadTemplates(dir);
    const e = (await renderIssue(await seedIssue(), { ...RENDER_OPTS, templates }).catch(
      (x: unknown) => x,
    )) as VerdictsError;
    expect(e).toBeInstanceOf(VerdictsError);
    expect(e.code).toBe('mjml_invalid');
    expect(e.message).toContain(path.join(dir, 'email.mjml.hbs'));
    expect(e.message).toContain('mj-text cannot be used inside mj-section');
  });
});

describe('lintRendered', () => {
  it('finds nothing wrong with the seed issue or six pairs', async () => {
    for (const issue of [await seedIssue(), await sixPairIssue()]) {
      const rendered = await renderIssue(issue, RENDER_OPTS);
      expect(await lintRendered(rendered, issue, RENDER_OPTS)).toEqual([]);
    }
  });

  it('reports client-support errors beyond the reference, insecure links and thin text', async () => {
    const dir = copyTemplates();
    // A CSS feature stock MJML never emits, an http link, and a text part without scores.
    edit(
      dir,
      'partials/email/footer.mjml.hbs',
      '<p style="margin-top:10px">{{postalAddress}}</p>',
      '<p style="margin-top:10px;position:absolute">{{postalAddress}} <a href="http://tracker.example.net/x">x</a></p>',
    );
    edit(dir, 'partials/text/pair.txt.hbs', / {2}Panel ship: .*\n/, '');
    const templates = await loadTemplates(dir);
    const issue = await seedIssue();
    const rendered = await renderIssue(issue, { ...RENDER_OPTS, templates });
    const findings = await lintRendered(rendered, issue, RENDER_OPTS);
    const rules = new Set(findings.map((f) => f.rule));
    expect(rules).toEqual(new Set(['caniemail', 'links', 'text']));
    expect(findings.map((f) => f.message).join('\n')).toMatch(
      /position is not supported by outlook/,
    );
    expect(findings).toContainEqual(
      expect.objectContaining({
        rule: 'links',
        message:
          'email.html: "http://tracker.example.net/x" is not absolute https or under https://verdicts.example.com',
      }),
    );
    expect(findings).toContainEqual(
      expect.objectContaining({
        rule: 'text',
        message: "plain text lacks SmolVLM2's panel ship 100%",
      }),
    );
    expect(findings).toContainEqual(
      expect.objectContaining({
        rule: 'text',
        message: 'plain text lacks the link http://tracker.example.net/x',
      }),
    );
  });
});
