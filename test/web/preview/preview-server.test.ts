// The preview server end to end over HTTP (no browser): weeks, drafts vs archived bytes,
// errors on the page for every kind of bad input, live reload events, test sends, shutdown.
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { readArchivedEmail } from '../../../src/archive/read-email.ts';
import { compilePersonaliser } from '../../../src/render/personalise.ts';
import { wireBytes } from '../../../src/render/wire-size.ts';
import { PREVIEW_RECIPIENT } from '../../../src/web/preview/week-preview.ts';
import {
  ARCHIVED_WEEK,
  DRAFT_WEEK,
  NEXT_WEEK,
  type PreviewFixture,
  startPreviewFixture,
} from '../../support/preview-fixture.ts';
import { openSse } from './sse-client.ts';

let fixture: PreviewFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});
const start = async (opts?: Parameters<typeof startPreviewFixture>[0]) => {
  fixture = await startPreviewFixture(opts);
  return fixture;
};

const get = async (f: PreviewFixture, p: string) => {
  const res = await fetch(f.url(p), { redirect: 'manual' });
  return { status: res.status, headers: res.headers, text: await res.text() };
};
const fragments = async (f: PreviewFixture, week: string) => {
  const res = await fetch(f.url(`/weeks/${week}/fragments`));
  return {
    status: res.status,
    ...((await res.json()) as { version: number; list: string; panel: string }),
  };
};
const sendTest = (
  f: PreviewFixture,
  week: string,
  to: string,
  headers: Record<string, string> = {},
) =>
  fetch(f.url(`/weeks/${week}/send-test`), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({ to }),
  });
const listFiles = (dir: string): string[] =>
  readdirSync(dir, { recursive: true })
    .map(String)
    .filter((p) => statSync(path.join(dir, p)).isFile())
    .sort();

describe('preview: weeks', () => {
  it('redirects / to the current week and lists archived weeks plus this and next week', async () => {
    const f = await start();
    const home = await get(f, '/');
    expect(home.status).toBe(302);
    expect(home.headers.get('location')).toBe(`/weeks/${DRAFT_WEEK}`);
    const page = await get(f, `/weeks/${DRAFT_WEEK}`);
    expect(page.status).toBe(200);
    const weeks = [...page.text.matchAll(/data-week="([^"]+)" class="pv-week pv-(\w+)"/g)].map(
      (m) => `${m[1]} ${m[2]}`,
    );
    expect(weeks).toEqual([
      `${NEXT_WEEK} draft`,
      `${DRAFT_WEEK} draft`,
      `${ARCHIVED_WEEK} archived`,
    ]);
    // Next week leaves out this week's pair: this week goes out first.
    expect(page.text).toContain('no new pairs');
    expect(page.text).toContain('SmolVLM2 vs Code Llama 4, the first look');
  });

  it('renders a draft in memory with subject, preheader, size, lint, text and source; writes nothing', async () => {
    const f = await start();
    const before = listFiles(f.config.ISSUES_DIR);
    const page = await get(f, `/weeks/${DRAFT_WEEK}`);
    expect(page.text).toContain('Draft: rendered in memory');
    expect(page.text).toMatch(
      /class="pv-subject">SmolVLM2 vs Code Llama 4: which one should you ship\?</,
    );
    expect(page.text).toMatch(/class="pv-preheader"> – [^<]+</);
    expect(page.text).toMatch(
      /<b>\d+\.\d KB<\/b> on the wire \(quoted-printable\) of Gmail&#x27;s 102 KB clip line/,
    );
    expect(page.text).toMatch(/Lint: (no findings|\d+ findings?)/);
    expect(page.text).toContain('data-view="text"');
    expect(page.text).toContain('&lt;!doctype html&gt;');
    const email = await get(f, `/weeks/${DRAFT_WEEK}/email.html`);
    expect(email.status).toBe(200);
    expect(email.text).toMatch(/^<!doctype html>/i);
    expect(email.text).not.toMatch(/__vt_/);
    expect(email.headers.get('content-security-policy')).toContain("script-src 'none'");
    // Live reload gets the email first and the lint after it.
    const frag = await fragments(f, DRAFT_WEEK);
    expect(frag.panel).toMatch(
      /id="pv-lint"[^>]*data-lint-src="\/weeks\/2026-W48\/lint\?v(=|&#x3D;)0"/,
    );
    expect((await get(f, `/weeks/${DRAFT_WEEK}/lint`)).text).toMatch(
      /Lint: (no findings|\d+ findings?)/,
    );
    expect(listFiles(f.config.ISSUES_DIR)).toEqual(before);
  });

  it('shows an archived week as its archived bytes, personalised as the sender does', async () => {
    const f = await start();
    const page = await get(f, `/weeks/${ARCHIVED_WEEK}`);
    expect(page.text).toContain('Archived: the bytes the sender sends');
    const archived = await readArchivedEmail(f.config.ISSUES_DIR, ARCHIVED_WEEK);
    const expected = compilePersonaliser(archived, archived.issue)(PREVIEW_RECIPIENT, {
      baseUrl: f.config.PUBLIC_BASE_URL,
      secret: f.config.TOKEN_SECRET,
    });
    expect((await get(f, `/weeks/${ARCHIVED_WEEK}/email.html`)).text).toBe(expected.html);
    // The size bar counts the HTML part as it travels: quoted-printable, not decoded.
    expect(page.text).toContain(`title="${wireBytes(expected.html)} bytes"`);
    expect(wireBytes(expected.html)).toBeGreaterThan(Buffer.byteLength(expected.html));
    // Editing the data does not change an archived week.
    writeFileSync(
      f.data('tools/smolvlm2.yaml'),
      f.read('data/tools/smolvlm2.yaml').replace(/^tagline: .*$/m, 'tagline: Changed'),
    );
    f.server.hub.publish(['data/tools/smolvlm2.yaml']);
    expect((await get(f, `/weeks/${ARCHIVED_WEEK}/email.html`)).text).toBe(expected.html);
  });

  it('serves the archive index, feed and web versions (archived file or draft in memory)', async () => {
    const f = await start();
    const index = await get(f, '/archive/');
    expect(index.status).toBe(200);
    expect(index.text).toBe(f.read('issues/index.html'));
    const feed = await get(f, '/feed.xml');
    expect(feed.headers.get('content-type')).toContain('application/atom+xml');
    expect(feed.text).toBe(f.read('issues/feed.xml'));
    expect((await get(f, `/issues/${ARCHIVED_WEEK}/`)).text).toBe(
      f.read(`issues/${ARCHIVED_WEEK}/index.html`),
    );
    const draftWeb = await get(f, `/issues/${DRAFT_WEEK}/`);
    expect(draftWeb.status).toBe(200);
    expect(draftWeb.text).toContain('SmolVLM2');
    expect((await get(f, `/issues/${NEXT_WEEK}/`)).status).toBe(404);
    expect((await get(f, `/issues/${DRAFT_WEEK}`)).headers.get('location')).toBe(
      `/issues/${DRAFT_WEEK}/`,
    );
  });
});

describe('preview: bad input is shown, never fatal', () => {
  it.each(['banana', '2026-W60', '2026-W00', '..%2F..%2Fetc'])(
    'a bad week in the URL: %s',
    async (week) => {
      const f = await start({ archive: false });
      const page = await get(f, `/weeks/${week}`);
      expect(page.status).toBe(400);
      expect(page.text).toContain('Not a week');
      expect(page.text).toContain('pv-problem');
      expect((await fragments(f, week)).status).toBe(400);
      expect((await get(f, `/weeks/${week}/email.html`)).status).toBe(400);
      expect((await get(f, `/issues/${week}/`)).status).toBe(404);
      expect((await get(f, `/go?week=${week}`)).status).toBe(400);
      expect((await get(f, `/weeks/${DRAFT_WEEK}`)).status).toBe(200);
    },
  );

  it('a week picked from the picker opens even when the list does not carry it', async () => {
    const f = await start({ archive: false });
    const go = await get(f, '/go?week=2027-W05');
    expect(go.headers.get('location')).toBe('/weeks/2027-W05');
    const page = await get(f, '/weeks/2027-W05');
    expect(page.text).toContain('2027-W05 has no new pairs');
    expect(page.text).toMatch(/data-week="2027-W05"[^>]*aria-current="page"/);
  });

  it('broken YAML and a wrong field: every problem with file, field and line; fixing recovers', async () => {
    const f = await start({ archive: false });
    const good = f.read('data/tools/smolvlm2.yaml');
    writeFileSync(
      f.data('tools/smolvlm2.yaml'),
      good.replace(/^entryPrice: Free$/m, 'entryPrice: [1, 2]'),
    );
    writeFileSync(f.data('tools/broken.yaml'), 'id: broken\nname: [unclosed\n');
    f.server.hub.publish(['data']);
    const broken = await fragments(f, DRAFT_WEEK);
    expect(broken.status).toBe(200);
    expect(broken.panel).toContain('2 problems in the data');
    expect(broken.panel).toMatch(
      /<td class="pv-file">data\/tools\/smolvlm2\.yaml<\/td>\s*<td class="pv-line">12<\/td>\s*<td class="pv-field">entryPrice<\/td>/,
    );
    expect(broken.panel).toMatch(
      /<td class="pv-file">data\/tools\/broken\.yaml<\/td>\s*<td class="pv-line">3<\/td>/,
    );
    expect(broken.panel).not.toContain('pv-email');
    expect(broken.list).toContain('data has errors');
    expect((await get(f, `/weeks/${DRAFT_WEEK}/email.html`)).text).toContain('entryPrice');
    writeFileSync(f.data('tools/smolvlm2.yaml'), good);
    rmSync(f.data('tools/broken.yaml'));
    f.server.hub.publish(['data']);
    const fixed = await fragments(f, DRAFT_WEEK);
    expect(fixed.panel).not.toContain('pv-problem');
    expect(fixed.panel).toContain('id="pv-email"');
  });

  it('data that escapes: a quote with markup shows as text in the page', async () => {
    const f = await start({ archive: false });
    const file = f.data('tools/smolvlm2.yaml');
    writeFileSync(
      file,
      f
        .read('data/tools/smolvlm2.yaml')
        .replace(/^tagline: .*$/m, 'tagline: "<script>alert(1)</script>"'),
    );
    f.server.hub.publish(['data']);
    const page = await get(f, `/weeks/${DRAFT_WEEK}`);
    expect(page.text).not.toContain('<script>alert(1)</script>');
    expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('a Handlebars syntax error in a template names the template and line', async () => {
    const f = await start({ archive: false });
    const file = path.join(f.templatesDir, 'subject.txt.hbs');
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, `{{#if number}}\n${good}`);
    f.server.hub.publish(['templates/subject.txt.hbs']);
    const broken = await fragments(f, DRAFT_WEEK);
    expect(broken.panel).toContain('in the templates');
    expect(broken.panel).toContain('subject.txt.hbs');
    writeFileSync(file, good);
    f.server.hub.publish(['templates/subject.txt.hbs']);
    expect((await fragments(f, DRAFT_WEEK)).panel).toContain('id="pv-email"');
  });

  it('an MJML error in the email template is listed with its line', async () => {
    const f = await start({ archive: false });
    const file = path.join(f.templatesDir, 'email.mjml.hbs');
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, good.replace('<mj-body', '<mj-bogus>oops</mj-bogus><mj-body'));
    f.server.hub.publish(['templates/email.mjml.hbs']);
    const broken = await fragments(f, DRAFT_WEEK);
    expect(broken.panel).toContain('does not compile as MJML');
    expect(broken.panel).toMatch(
      /<td class="pv-file">templates\/email\.mjml\.hbs<\/td>\s*<td class="pv-line">\d+<\/td>/,
    );
    writeFileSync(file, good);
    f.server.hub.publish(['templates/email.mjml.hbs']);
    expect((await fragments(f, DRAFT_WEEK)).panel).toContain('id="pv-email"');
  });

  it('missing or corrupt archive files show as problems of that week only', async () => {
    const f = await start();
    rmSync(path.join(f.config.ISSUES_DIR, ARCHIVED_WEEK, 'email.html'));
    f.server.hub.publish(['issues']);
    const missing = await fragments(f, ARCHIVED_WEEK);
    expect(missing.panel).toContain('email.html');
    expect(missing.panel).toContain('pv-problem');
    expect((await get(f, `/weeks/${ARCHIVED_WEEK}/email.html`)).status).toBe(200);
    writeFileSync(path.join(f.config.ISSUES_DIR, ARCHIVED_WEEK, 'issue.json'), '{ not json');
    f.server.hub.publish(['issues']);
    expect((await fragments(f, ARCHIVED_WEEK)).panel).toContain('not valid JSON');
    expect((await fragments(f, DRAFT_WEEK)).list).toContain('unreadable archive');
    expect((await get(f, `/issues/${ARCHIVED_WEEK}/`)).status).toBe(404);
  });

  it('a broken page template of the preview itself still gives a readable page', async () => {
    const f = await start({ archive: false });
    const file = path.join(f.templatesDir, 'preview/partials/panel.html.hbs');
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, `{{#if panel.week}}\n${good}`);
    f.server.hub.publish(['templates/preview/partials/panel.html.hbs']);
    const page = await get(f, `/weeks/${DRAFT_WEEK}`);
    expect(page.text).toContain('The preview page itself failed');
    expect(page.text).toContain('Parse error');
    expect((await fragments(f, DRAFT_WEEK)).panel).toContain('The preview page itself failed');
    writeFileSync(file, good);
    f.server.hub.publish(['templates/preview/partials/panel.html.hbs']);
    expect((await get(f, `/weeks/${DRAFT_WEEK}`)).text).toContain('id="pv-email"');
  });

  it('a missing data folder and unknown paths answer with pages', async () => {
    const f = await start({ archive: false });
    rmSync(f.config.DATA_DIR, { recursive: true });
    f.server.hub.publish(['data']);
    expect((await fragments(f, DRAFT_WEEK)).panel).toContain('cannot read the data folder');
    expect((await get(f, '/nope')).status).toBe(404);
    expect((await get(f, '/_preview/../../package.json')).status).toBe(404);
    expect((await get(f, '/_preview/preview.js')).headers.get('content-type')).toContain(
      'javascript',
    );
  });
});

describe('preview: live reload', () => {
  it('a saved data file reaches open tabs as one change event within a second', async () => {
    const f = await start({ archive: false });
    const sse = openSse(f.url('/events'));
    try {
      await sse.next('hello');
      const from = sse.events.length;
      const file = f.data('tools/smolvlm2.yaml');
      writeFileSync(
        file,
        f.read('data/tools/smolvlm2.yaml').replace(/^tagline: .*$/m, 'tagline: Live edit'),
      );
      // Arrives at all (within the wait); how fast is shown in the browser test.
      const change = await sse.next('change', from, 10_000);
      expect(JSON.parse(change.data)).toMatchObject({
        version: 1,
        files: ['data/tools/smolvlm2.yaml'],
      });
      expect((await fragments(f, DRAFT_WEEK)).panel).toContain('Live edit');
      // Several saves in a burst are one reload.
      for (let i = 0; i < 5; i++) writeFileSync(file, `${f.read('data/tools/smolvlm2.yaml')}\n`);
      await new Promise((r) => setTimeout(r, 400));
      expect(sse.events.filter((e) => e.event === 'change')).toHaveLength(2);
    } finally {
      sse.close();
    }
  });

  it('template saves reload too, and close() ends open streams', async () => {
    const f = await start({ archive: false });
    const sse = openSse(f.url('/events'));
    await sse.next('hello');
    const file = path.join(f.templatesDir, 'subject.txt.hbs');
    writeFileSync(file, `PREVIEW ${readFileSync(file, 'utf8')}`);
    await sse.next('change');
    expect((await fragments(f, DRAFT_WEEK)).panel).toMatch(/class="pv-subject">PREVIEW /);
    const t0 = Date.now();
    await f.server.close();
    await sse.ended;
    expect(Date.now() - t0).toBeLessThan(5000); // closing does not wait for the streams
  });
});

describe('preview: send a test', () => {
  it('sends one [TEST] copy to the outbox and records nothing', async () => {
    const f = await start();
    const res = await sendTest(f, DRAFT_WEEK, ' Editor@Example.COM ');
    const body = (await res.json()) as { ok: boolean; message: string };
    expect(res.status).toBe(200);
    expect(body.ok).toBe(true);
    const files = listFiles(f.config.OUTBOX_DIR).filter((p) => p.endsWith('.eml'));
    expect(files).toHaveLength(1);
    const mail = await simpleParser(readFileSync(path.join(f.config.OUTBOX_DIR, files[0]!)));
    expect(mail.subject).toBe('[TEST] SmolVLM2 vs Code Llama 4: which one should you ship?');
    expect(mail.to).toMatchObject({ text: 'Editor@example.com' });
    expect(mail.html).not.toMatch(/__vt_/);
    expect(mail.text).toContain('SmolVLM2');
    expect(mail.headerLines.some((h) => h.key === 'list-unsubscribe')).toBe(true);
    // Not the week's send: no archive for the draft, no database.
    expect(listFiles(f.config.ISSUES_DIR).some((p) => p.startsWith(DRAFT_WEEK))).toBe(false);
    expect(() => statSync(f.config.DATABASE_PATH)).toThrow();
  });

  it('refuses bad addresses, GET, other origins and other hosts; a week without an issue', async () => {
    const f = await start({ archive: false });
    for (const bad of ['', 'nope', 'a@b', 'x@example.com\r\nBcc: y@example.com']) {
      const res = await sendTest(f, DRAFT_WEEK, bad);
      expect(res.status).toBe(400);
    }
    expect((await fetch(f.url(`/weeks/${DRAFT_WEEK}/send-test?to=a@example.com`))).status).toBe(
      404,
    );
    expect(
      (await sendTest(f, DRAFT_WEEK, 'a@example.com', { origin: 'https://evil.example' })).status,
    ).toBe(403);
    expect(
      (await sendTest(f, DRAFT_WEEK, 'a@example.com', { 'sec-fetch-site': 'cross-site' })).status,
    ).toBe(403);
    const rebound = await new Promise<number>((resolve, reject) => {
      const req = request(
        f.url(`/weeks/${DRAFT_WEEK}/send-test`),
        {
          method: 'POST',
          headers: { host: 'evil.example', 'content-type': 'application/x-www-form-urlencoded' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end('to=a%40example.com');
    });
    expect(rebound).toBe(421);
    expect((await sendTest(f, NEXT_WEEK, 'a@example.com')).status).toBe(409);
    expect(() => statSync(f.config.OUTBOX_DIR)).toThrow();
  });
});
