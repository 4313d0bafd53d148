// Read a Server-Sent Events stream in a test: collect events, wait for one by name.
export type SseEvent = { event: string; data: string; at: number };

export function openSse(url: string) {
  const controller = new AbortController();
  const events: SseEvent[] = [];
  const waiters: (() => void)[] = [];
  const done = (async () => {
    const res = await fetch(url, { signal: controller.signal });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end = buffer.indexOf('\n\n');
      while (end !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const field = (name: string) =>
          block
            .split('\n')
            .filter((l) => l.startsWith(`${name}:`))
            .map((l) => l.slice(name.length + 1).trimStart())
            .join('\n');
        if (!block.startsWith(':')) {
          events.push({ event: field('event') || 'message', data: field('data'), at: Date.now() });
          for (const w of waiters.splice(0)) w();
        }
        end = buffer.indexOf('\n\n');
      }
    }
  })().catch(() => {});
  return {
    events,
    /** The first event named `name` after index `from`. */
    async next(name: string, from = 0, timeoutMs = 10_000): Promise<SseEvent> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = events.slice(from).find((e) => e.event === name);
        if (hit) return hit;
        if (Date.now() > deadline) throw new Error(`no "${name}" event within ${timeoutMs} ms`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 50);
        });
      }
    },
    /** Resolves when the server ends the stream. */
    ended: done,
    close: () => controller.abort(),
  };
}
