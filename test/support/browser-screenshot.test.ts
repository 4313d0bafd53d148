// The browser tests' capture helper: Chromium's transient refusal is asked again, anything else
// is not. A stand-in target, since a real Chromium cannot be made to refuse on demand.
import { describe, expect, it } from 'vitest';
import { screenshot } from './browser.ts';

const REFUSED =
  'page.screenshot: Protocol error (Page.captureScreenshot): Unable to capture screenshot';

/** A target that fails with `errors`, one per call, then succeeds; counts its calls. */
function target(errors: string[]) {
  const t = {
    calls: 0,
    async screenshot(_: { path: string }) {
      const message = errors[t.calls++];
      if (message !== undefined) throw new Error(message);
      return Buffer.alloc(0);
    },
  };
  return t;
}

describe('screenshot', () => {
  it('asks again after a transient refusal, and takes the picture', async () => {
    const t = target([REFUSED, REFUSED]);
    await screenshot(t, { path: 'x.png' });
    expect(t.calls).toBe(3);
  });

  it('throws the refusal when the third attempt is refused too', async () => {
    const t = target([REFUSED, REFUSED, REFUSED]);
    await expect(screenshot(t, { path: 'x.png' })).rejects.toThrow('Unable to capture screenshot');
    expect(t.calls).toBe(3);
  });

  it('throws any other error at once', async () => {
    const t = target(['page.screenshot: Target page, context or browser has been closed']);
    await expect(screenshot(t, { path: 'x.png' })).rejects.toThrow('has been closed');
    expect(t.calls).toBe(1);
  });
});
