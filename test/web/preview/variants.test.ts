// The preview lists the week's variants (issue #26) with how many readers each would go to,
// and shows each one: data/'s sample week (2026-W49, four invented pairs in four categories)
// as a draft, over a database whose readers chose topics.
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../src/store/index.ts';
import {
  NEXT_WEEK,
  type PreviewFixture,
  startPreviewFixture,
} from '../../support/preview-fixture.ts';

let fx: PreviewFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

describe('preview: variants', () => {
  it('lists each variant with its readers, and the paused and no-pair ones; each variant opens', async () => {
    fx = await startPreviewFixture({ sample: true });
    const store = await openStore({
      path: fx.config.DATABASE_PATH,
      secret: fx.config.TOKEN_SECRET,
    });
    const now = new Date('2026-11-28T12:00:00Z');
    const add = async (email: string, topics: string[] | null, pause = 0) => {
      const s = await store.subscribers.add(email, { source: 'cli', status: 'active', now });
      if (!s.ok) throw new Error(s.error);
      await store.subscribers.setTopics(s.value.id, topics, now);
      if (pause) await store.subscribers.pause(s.value.id, pause, now);
    };
    await add('all@example.com', null);
    await add('img1@example.com', ['image-generation']);
    await add('img2@example.com', ['image-generation']);
    await add('dev@example.com', ['developer-tools']);
    await add('cook@example.com', ['cooking']);
    await add('away@example.com', null, 4);
    await store.close();

    const page = await (await fetch(fx.url(`/weeks/${NEXT_WEEK}`))).text();
    expect(page).toContain('Who gets what');
    expect(page).toMatch(/Full issue: <strong>1<\/strong> reader/);
    expect(page).toContain('Nothing this week: 1 paused, 1 with no pair for their topics.');
    const image =
      /<a href="([^"]+)"[^>]*>(pairs-[\d-]+)<\/a> \(image-generation\): <strong>2<\/strong>/.exec(
        page,
      );
    expect(
      image,
      page.slice(page.indexOf('Who gets what'), page.indexOf('Who gets what') + 2000),
    ).not.toBeNull();
    expect(page).toMatch(/\(developer-tools\): <strong>1<\/strong>/);

    const variant = await fetch(fx.url(image![1]!));
    expect(variant.status).toBe(200);
    const html = await variant.text();
    expect(html).toContain('PixelBloom vs CanvasMint');
    expect(html).not.toContain('Quillpilot vs ProseForge');
    expect((await fetch(fx.url(`/weeks/${NEXT_WEEK}/variants/pairs-9/email.html`))).status).toBe(
      404,
    );
  }, 60_000);
});
