import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseFeed } from '@rowanmanning/feed-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { replaceDir } from '../../src/archive/atomic.ts';
import { buildFeed } from '../../src/archive/feed.ts';
import { personaliserFromArchive } from '../../src/archive/read-email.ts';
import { loadConfig } from '../../src/config.ts';
import { VerdictsError } from '../../src/errors.ts';
import { compilePersonaliser } from '../../src/render/personalise.ts';
import { buildFor } from '../support/build-week.ts';
import { HOSTILE, hostileIssue, sixPairIssue } from '../support/issue-fixtures.ts';
import { dataDir, tempDir } from '../support/paths.ts';

const BASE = 'https://verdicts.example.com';
let issues: string;

beforeAll(async () => {
  issues = tempDir('verdicts-issues-');
  const config = {
    ...loadConfig({ PUBLIC_BASE_URL: BASE }),
    ISSUES_DIR: issues,
    DATA_DIR: dataDir,
  };
  await buildFor(config, '2026-W48', { at: new Date('2026-12-01T00:00:00Z') });
});

describe('the Atom feed', () => {
  it('parses and lists the issue with its web-version link and cutoff date', () => {
    const feed = parseFeed(readFileSync(path.join(issues, 'feed.xml'), 'utf8'));
    expect(feed.meta.type).toBe('atom');
    expect(feed.title).toBe('Weekly AI Tool Verdicts');
    expect(feed.items).toHaveLength(1);
    const item = feed.items[0]!;
    expect(item.url).toBe(`${BASE}/issues/2026-W48/`);
    expect(item.title).toContain('Issue #1');
    expect(item.title).toContain('SmolVLM2 vs Code Llama 4');
    expect(item.updated?.toISOString()).toBe('2026-11-30T00:00:00.000Z');
  });

  it('shows data as text in feed readers', async () => {
    const xml = buildFeed([await hostileIssue()], { baseUrl: BASE });
    const item = parseFeed(xml).items[0]!;
    expect(item.title).toContain('Evil');
    expect(item.title).toContain('<mj-text>');
    expect(xml).not.toContain('<mj-text>');
    expect(xml).not.toContain(HOSTILE.quote);
  });
});

describe('the Atom feed of a six-pair issue', () => {
  it('validates: an author for every entry, required elements, one readable title', async () => {
    const six = await sixPairIssue();
    const xml = buildFeed([six], { baseUrl: BASE });
    const feed = parseFeed(xml);
    // RFC 4287 4.1.1: atom:feed has id, title, updated, and an author unless every entry has one.
    for (const el of ['id', 'title', 'updated'])
      expect(xml).toMatch(new RegExp(`<feed[\\s\\S]*<${el}>`));
    expect(feed.authors.map((a) => a.name)).toEqual(['Weekly AI Tool Verdicts']);
    expect(xml).toMatch(
      /<author>\s*<name>Weekly AI Tool Verdicts<\/name>\s*<uri>https:\/\/verdicts\.example\.com\/<\/uri>/,
    );
    const entry = feed.items[0]!;
    expect(entry.id).toBe(`${BASE}/issues/2026-W48/`);
    expect(entry.updated).not.toBeNull();
    expect(entry.title).toBe(
      'Issue #1 (23–29 November 2026): SmolVLM2 1 vs Code Llama 4 1 +5 more',
    );
    expect(entry.title!.length).toBeLessThan(80);
    // Every pair is its own link in the entry's content.
    for (let i = 1; i <= 6; i++) {
      expect(entry.content).toContain(
        `href="${BASE}/issues/2026-W48/#smolvlm2-vs-code-llama-4-${i}"`,
      );
    }
  });
});

describe('the archive index page', () => {
  it('links every issue to its web version', () => {
    const html = readFileSync(path.join(issues, 'index.html'), 'utf8');
    expect(html).toContain(`href="${BASE}/issues/2026-W48/"`);
    expect(html).toContain('Issue #1: 1 comparison');
    expect(html).toContain('23–29 November 2026');
    expect(html).toContain(`href="${BASE}/feed.xml"`);
  });
});

describe('personaliserFromArchive', () => {
  it('personalises the archived bytes exactly like the fresh render', async () => {
    const personalise = await personaliserFromArchive(issues, '2026-W48');
    const links = { baseUrl: BASE, secret: 'test-secret-0123456789abcdef' };
    const who = { subscriberId: 3, email: 'lin@example.com', name: 'Lin' };
    const msg = personalise(who, links);
    expect(msg.html).toContain(`${BASE}/unsubscribe/3.0.`);
    expect(msg.text).toContain('Hi Lin,');
    const { archived } = personalise;
    expect(compilePersonaliser(archived, archived.issue)(who, links)).toEqual(msg);
    expect(archived.meta.subject).toBe('SmolVLM2 vs Code Llama 4: which one should you ship?');
  });

  it('refuses an archive whose files no longer match their content hash', async () => {
    const copy = tempDir('verdicts-issues-');
    mkdirSync(path.join(copy, '2026-W48'));
    for (const f of readdirSync(path.join(issues, '2026-W48'))) {
      writeFileSync(path.join(copy, '2026-W48', f), readFileSync(path.join(issues, '2026-W48', f)));
    }
    const html = path.join(copy, '2026-W48', 'email.html');
    writeFileSync(html, readFileSync(html, 'utf8').replace('SmolVLM2', 'SmolVLM3'));
    const e = (await personaliserFromArchive(copy, '2026-W48').catch(
      (x: unknown) => x,
    )) as VerdictsError;
    expect(e).toBeInstanceOf(VerdictsError);
    expect(e.code).toBe('hash_mismatch');
  });
});

describe('replaceDir', () => {
  it('leaves the old folder untouched and no temp folder when filling fails', async () => {
    const root = tempDir('verdicts-atomic-');
    const target = path.join(root, '2026-W48');
    await replaceDir(target, async (d) => writeFileSync(path.join(d, 'a.txt'), 'old'));
    await expect(
      replaceDir(target, async (d) => {
        writeFileSync(path.join(d, 'a.txt'), 'half');
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    expect(readFileSync(path.join(target, 'a.txt'), 'utf8')).toBe('old');
    expect(readdirSync(root)).toEqual(['2026-W48']);
    await replaceDir(target, async (d) => writeFileSync(path.join(d, 'b.txt'), 'new'));
    expect(readdirSync(target)).toEqual(['b.txt']);
    expect(readdirSync(root)).toEqual(['2026-W48']);
    expect(existsSync(path.join(target, 'a.txt'))).toBe(false);
  });
});
