// A sign-up flood must not starve a genuine reader. 400 sign-ups from 40 addresses over five
// minutes spend the site's hourly cap of confirmations; from then on the form answers with a
// proof-of-work challenge (whatever the address), and a reader who solves it, as the altcha
// widget does in their browser, is queued past the cap. Proofs are single-use, expire, and
// cannot be forged; one source is held to its hourly limit however it solves.
import { solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import { describe, expect, it } from 'vitest';
import { postFrom, type TestServer, useServer } from './web-fixture.ts';

const start = useServer();

const ENTITIES: Record<string, string> = {
  quot: '"',
  '#x27': "'",
  '#x3D': '=',
  '#x60': '`',
  amp: '&',
};
const fromAttribute = (s: string) =>
  s.replace(/&(quot|#x27|#x3D|#x60|amp);/g, (_, e) => ENTITIES[e]!);

/** The challenge on a proof page, or null when the page asks for none. */
const challengeOf = (page: string) => {
  const m = /<altcha-widget challenge="([^"]+)"/.exec(page);
  return m ? JSON.parse(fromAttribute(m[1]!)) : null;
};

/** What the widget posts: base64 JSON of the challenge and its solution. */
async function solve(page: string): Promise<string> {
  const challenge = challengeOf(page);
  expect(challenge).not.toBeNull();
  const solution = await solveChallenge({ challenge, deriveKey });
  expect(solution).not.toBeNull();
  return Buffer.from(JSON.stringify({ challenge, solution })).toString('base64');
}

const queuedFor = (s: TestServer, email: string) =>
  (
    s.db
      .prepare(
        `SELECT COUNT(*) AS n FROM mail_queue m JOIN subscribers s ON s.id = m.subscriber_id
         WHERE m.kind = 'confirm' AND s.email = ?`,
      )
      .get(email) as { n: number }
  ).n;

const form = (email: string, altcha?: string) => ({
  email,
  name: '',
  website: '',
  ...(altcha ? { altcha } : {}),
});

describe('a sign-up flood', () => {
  it('400 sign-ups from 40 addresses over five minutes, then a genuine reader is queued within a minute', async () => {
    const s = await start();
    const t0 = s.clock.now.getTime();
    const answers = { queued: 0, proof: 0, other: 0 };
    for (let i = 0; i < 400; i++) {
      s.clock.now = new Date(t0 + i * 750); // 400 over 300 s
      const from = `127.0.1.${1 + (i % 40)}`;
      const res = await postFrom(s, from, form(`victim${i}@example.org`));
      expect(res.status).toBe(200);
      if (challengeOf(res.body)) answers.proof++;
      else if (res.body.includes('Check your inbox')) answers.queued++;
      else answers.other++;
    }
    // The hourly cap (100) went to the flood; everything after it was asked for a proof.
    expect(answers).toEqual({ queued: 100, proof: 300, other: 0 });
    const sentToFlood = (await s.outbox()).length;
    expect(sentToFlood).toBe(100);

    const started = performance.now();
    s.clock.now = new Date(t0 + 300_000);
    const genuine = 'genuine.reader@example.net';
    const first = await postFrom(s, '127.0.2.1', form(genuine));
    expect(first.body).toContain('Many sign-ups are arriving right now');
    expect(queuedFor(s, genuine)).toBe(0); // nothing stored for an unproven, capped sign-up
    const proof = await solve(first.body);
    const second = await postFrom(s, '127.0.2.1', form(genuine, proof));
    expect(second.status).toBe(200);
    expect(second.body).toContain('Check your inbox');
    expect(queuedFor(s, genuine)).toBe(1);
    const link = await s.confirmPath(genuine);
    expect(link).toMatch(/^\/confirm\//);
    expect(performance.now() - started).toBeLessThan(60_000);
  });

  it('a proof counts once, on its own address or another; altered, expired or foreign proofs are refused', async () => {
    const s = await start({ env: { CONFIRM_PER_HOUR: '1' } });
    await s.subscribe('first@example.org');
    const page = await (await s.subscribe('second@example.org')).text();
    const proof = await solve(page);
    const used = await postFrom(s, '127.0.3.1', form('second@example.org', proof));
    expect(used.body).toContain('Check your inbox');
    const replay = await postFrom(s, '127.0.3.2', form('third@example.org', proof));
    expect(replay.body).toContain('already used');
    expect(queuedFor(s, 'third@example.org')).toBe(0);

    const fresh = await solve(replay.body);
    const decoded = JSON.parse(Buffer.from(fresh, 'base64').toString());
    const key: string = decoded.solution.derivedKey;
    decoded.solution.derivedKey = key.slice(0, -1) + (key.endsWith('0') ? '1' : '0');
    const altered = Buffer.from(JSON.stringify(decoded)).toString('base64');
    const bad = await postFrom(s, '127.0.3.3', form('third@example.org', altered));
    expect(bad.body).toContain('did not pass');
    expect(queuedFor(s, 'third@example.org')).toBe(0);

    s.clock.now = new Date(s.clock.now.getTime() + 16 * 60_000);
    const late = await postFrom(s, '127.0.3.4', form('third@example.org', fresh));
    expect(late.body).toContain('had expired');
    expect(queuedFor(s, 'third@example.org')).toBe(0);

    // Solved for another site's secret: the signature does not verify here.
    const other = await start({
      env: { CONFIRM_PER_HOUR: '1', TOKEN_SECRET: 'another-site-secret-0123456789' },
    });
    await other.subscribe('a@example.org');
    const foreign = await solve(await (await other.subscribe('b@example.org')).text());
    const refused = await postFrom(s, '127.0.3.5', form('third@example.org', foreign));
    expect(refused.body).toContain('did not pass');
    expect(queuedFor(s, 'third@example.org')).toBe(0);
  });

  it('the proof page allows this site scripts and workers only, and the widget files are served', async () => {
    const s = await start({ env: { CONFIRM_PER_HOUR: '1' } });
    await s.subscribe('first@example.org');
    const res = await s.subscribe('second@example.org');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("worker-src 'self'");
    expect(csp).not.toMatch(/unsafe-eval|blob:|https?:/);
    const page = await res.text();
    expect(page).toMatch(/<noscript><p class="problem">This check needs JavaScript, which is off/);
    for (const file of ['sign-up-proof.js', 'altcha.js', 'altcha-sha.js', 'altcha.css']) {
      const asset = await s.get(`/assets/proof/${file}`);
      expect(asset.status, file).toBe(200);
      expect((await asset.arrayBuffer()).byteLength, file).toBeGreaterThan(100);
    }
    expect((await s.get('/assets/proof/..%2Fpackage.json')).status).toBe(404);
    // Every other page still allows no script.
    const home = await s.get('/subscribe');
    expect(home.headers.get('content-security-policy')).toContain("script-src 'none'");
  });

  it('one source gets its hourly number of sign-ups, proofs or not', async () => {
    const s = await start({ overrides: { limits: { subscribePerWindow: 100 } } });
    const codes = [];
    for (let i = 0; i < 12; i++) {
      codes.push((await postFrom(s, '127.0.4.1', form(`r${i}@example.org`))).status);
    }
    expect(codes).toEqual([...Array(10).fill(200), 429, 429]);
    s.clock.now = new Date(s.clock.now.getTime() + 3600_000);
    expect((await postFrom(s, '127.0.4.1', form('later@example.org'))).status).toBe(200);
  });

  it('a sign-up nobody confirms is deleted once its link has expired; a confirmed one stays', async () => {
    const s = await start();
    await s.subscribe('never@example.org');
    await s.subscribe('owner@example.org');
    expect((await s.get(await s.confirmPath('owner@example.org'))).status).toBe(200);
    const confirm = await s.post(await s.confirmPath('owner@example.org'), {});
    expect(confirm.status).toBe(200);
    expect(s.subscribers.getByEmail('never@example.org')?.status).toBe('pending');

    // Six days on: the link still works, the sign-up stays.
    s.clock.now = new Date(s.clock.now.getTime() + 6 * 24 * 3600_000);
    await s.subscribe('someone@example.org');
    expect(s.subscribers.getByEmail('never@example.org')?.status).toBe('pending');
    // Past the link's seven days: the next sign-up's sweep deletes it and its mail.
    s.clock.now = new Date(s.clock.now.getTime() + 2 * 24 * 3600_000);
    await s.subscribe('another@example.org');
    expect(s.subscribers.getByEmail('never@example.org')).toBeUndefined();
    expect(queuedFor(s, 'never@example.org')).toBe(0);
    expect(s.subscribers.getByEmail('owner@example.org')?.status).toBe('active');
    expect(s.subscribers.getByEmail('someone@example.org')?.status).toBe('pending');
    expect(s.logs.join('\n')).toMatch(/expired sign-ups deleted/);
  });
});
