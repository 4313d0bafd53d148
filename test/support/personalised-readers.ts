// `n` readers of one issue as the sender would hand them to a transport: each personalised by
// the filler, with names cycled from `names` (tests pick names that stress their
// encoding), the seed subject and an issue tag.
import type { Filler } from '../../src/render/personalise.ts';
import type { OutgoingEmail } from '../../src/send/transport.ts';
import { LINKS } from './issue-fixtures.ts';

export function personalisedReaders(
  fill: Filler,
  week: string,
  n: number,
  names: readonly (string | null)[],
  replyTo?: string,
): OutgoingEmail[] {
  return Array.from({ length: n }, (_, i) => {
    const p = fill(
      { subscriberId: i + 1, email: `reader${i}@example.com`, name: names[i % names.length]! },
      LINKS,
    );
    return {
      from: 'Weekly AI Tool Verdicts <news@verdicts.example>',
      to: `reader${i}@example.com`,
      subject: 'This week — “SmolVLM2” vs Code Llama 4',
      html: p.html,
      text: p.text,
      ...(replyTo ? { replyTo } : {}),
      headers: { ...p.headers },
      tags: [{ name: 'issue', value: week }],
    };
  });
}
