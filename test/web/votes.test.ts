import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { routes, voteToken, voteUrl } from '../../src/links.ts';
import { markSent, PAIR, SECRET, type TestServer, TOOLS, useServer, WEEK } from './web-fixture.ts';

const start = useServer();
const links = { baseUrl: '', secret: SECRET };

const reader = (s: TestServer, email: string) => {
  const r = s.subscribers.add(email, { source: 'cli', status: 'active', now: s.clock.now });
  if (!r.ok) throw new Error(r.error);
  return r.value.id;
};
const votePath = (id: number, tool: string, week = WEEK, pair = PAIR) =>
  voteUrl(links, week, pair, tool, voteToken(links, id, week));
const votes = (s: TestServer) =>
  s.db
    .prepare('SELECT subscriber_id, pair_id, tool_id, week FROM votes ORDER BY subscriber_id')
    .all();
/** The community cell of each tool on the served web version. */
const community = async (s: TestServer) => {
  const html = await (await s.get(routes.issue(WEEK))).text();
  return [...html.matchAll(/Community vote<\/dt><dd>([^<]*)<\/dd>/g)].map((m) => m[1]);
};

describe('community votes', () => {
  it('GET shows the pair and both tools and records nothing; POST records the vote', async () => {
    const s = await start();
    const ann = reader(s, 'ann@example.com');
    const page = await s.get(votePath(ann, TOOLS[0]));
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('SmolVLM2 vs Code Llama 4');
    expect(html).toContain('Vote for SmolVLM2');
    expect(html).toContain('Vote for Code Llama 4');
    expect(html).toContain('Community vote: <strong>No votes yet</strong>');
    expect(votes(s)).toEqual([]);

    const res = await s.post(votePath(ann, TOOLS[0]), {});
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('your vote for SmolVLM2 is in');
    expect(votes(s)).toEqual([
      { subscriber_id: ann, pair_id: PAIR, tool_id: TOOLS[0], week: WEEK },
    ]);
  });

  it('keeps one vote per reader per pair, changeable, and shows it on the web version', async () => {
    const s = await start();
    const [ann, bob, cat] = ['ann', 'bob', 'cat'].map((n) => reader(s, `${n}@example.com`)) as [
      number,
      number,
      number,
    ];
    expect(await community(s)).toEqual(['No votes yet', 'No votes yet']);
    await s.post(votePath(ann, TOOLS[0]), {});
    await s.post(votePath(ann, TOOLS[0]), {});
    await s.post(votePath(bob, TOOLS[0]), {});
    await s.post(votePath(cat, TOOLS[1]), {});
    expect(await community(s)).toEqual(['67% (2 votes)', '33% (1 vote)']);
    // Ann changes her mind.
    await s.post(votePath(ann, TOOLS[1]), {});
    expect(votes(s)).toHaveLength(3);
    expect(await community(s)).toEqual(['33% (1 vote)', '67% (2 votes)']);
  });

  it('adds readers’ votes to the counts the data files carried into the archive', async () => {
    const s = await start();
    const file = path.join(s.env.ISSUES_DIR, WEEK, 'issue.json');
    const issue = JSON.parse(readFileSync(file, 'utf8'));
    issue.pairs[0].tools[0].votes = 3;
    issue.pairs[0].tools[1].votes = 1;
    issue.pairs[0].totalVotes = 4;
    writeFileSync(file, JSON.stringify(issue));
    const ann = reader(s, 'ann@example.com');
    await s.post(votePath(ann, TOOLS[1]), {});
    expect(await community(s)).toEqual(['60% (3 votes)', '40% (2 votes)']);
  });

  it('rejects forged tokens, another week’s token, a pair not in the issue and a tool not in the pair', async () => {
    const s = await start();
    markSent(s.db, '2026-W49');
    const ann = reader(s, 'ann@example.com');
    const good = votePath(ann, TOOLS[0]);
    const token = good.split('/').at(-1)!;
    const bad = [
      voteUrl(
        { baseUrl: '', secret: 'wrong-secret-0123456789' },
        WEEK,
        PAIR,
        TOOLS[0],
        voteToken({ baseUrl: '', secret: 'wrong-secret-0123456789' }, ann, WEEK),
      ),
      routes.vote('2026-W49', PAIR, TOOLS[0], token), // this token is for W48
      routes.vote(WEEK, PAIR, TOOLS[0], voteToken(links, ann, '2026-W49')),
      routes.vote(WEEK, 'some-other-pair', TOOLS[0], token),
      routes.vote(WEEK, PAIR, 'chatgpt', token),
      routes.vote(WEEK, PAIR, TOOLS[0], voteToken(links, 9999, WEEK)), // no such reader
      routes.vote(WEEK, PAIR, TOOLS[0], `${token.slice(0, -1)}x`),
    ];
    for (const p of bad) {
      expect((await s.get(p)).status, p).toBe(404);
      expect((await s.post(p, {})).status, p).toBe(404);
    }
    expect(votes(s)).toEqual([]);
  });

  it('does not accept a vote POSTed from another site', async () => {
    const s = await start();
    const ann = reader(s, 'ann@example.com');
    const res = await s.post(votePath(ann, TOOLS[0]), {}, { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(votes(s)).toEqual([]);
  });
});
