// The preview shows the welcome email (HTML and text) the public server sends, and an edit
// to its template shows up on the next request.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { clearTemplateCache } from '../../../src/render/templates.ts';
import { type PreviewFixture, startPreviewFixture } from '../../support/preview-fixture.ts';

let fixture: PreviewFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

describe('preview: the welcome email', () => {
  it('is linked from every page and shown as HTML and as text', async () => {
    fixture = await startPreviewFixture();
    const page = await (await fetch(fixture.url('/'))).text();
    expect(page).toContain('href="/welcome/email.html"');

    const html = await fetch(fixture.url('/welcome/email.html'));
    expect(html.status).toBe(200);
    expect(html.headers.get('content-security-policy')).toContain("script-src 'none'");
    const body = await html.text();
    expect(body).toContain('Welcome to Weekly AI Tool Verdicts');
    expect(body).toMatch(/href="[^"]+\/unsubscribe\/1\.[^"]+"/);
    expect(body).not.toContain('__vt_welcome_unsub__');

    const text = await (await fetch(fixture.url('/welcome/email.txt'))).text();
    expect(text).toMatch(/^Subject: Welcome to Weekly AI Tool Verdicts\n/);
    expect(text).toMatch(/Unsubscribe: \S+\/unsubscribe\/1\./);

    const file = path.join(fixture.templatesDir, 'welcome.txt.hbs');
    writeFileSync(file, 'Edited welcome for {{brand}}\nUnsubscribe: {{unsub}}\n');
    clearTemplateCache();
    expect(await (await fetch(fixture.url('/welcome/email.txt'))).text()).toContain(
      'Edited welcome for Weekly AI Tool Verdicts',
    );
  });
});
