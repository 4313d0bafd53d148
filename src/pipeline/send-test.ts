// One [TEST] copy of a rendered issue (archived or a draft in memory) to one address through
// a given transport: no lease, no ledger row, no archive write, so the week stays unsent and
// unfrozen. The message is built as the sender builds each recipient's (same personaliser,
// headers and tags); only the subject gains the prefix.
import type { Issue } from '../content/index.ts';
import { compilePersonaliser } from '../render/index.ts';
import { err, ok, type Result } from '../result.ts';
import type { OutgoingEmail, Transport, TransportFailure } from '../send/index.ts';
import { normaliseEmail } from '../store/index.ts';
import type { JobSettings } from './settings.ts';

export const TEST_SUBJECT_PREFIX = '[TEST] ';

export type SendTestInput = {
  /** As renderIssue returns it or the archive holds it: recipient fields are placeholders. */
  rendered: { subject: string; html: string; text: string };
  /** The issue it was rendered from (fixes the placeholder nonce). */
  issue: Issue;
  week: string;
  to: string;
  transport: Transport;
  email: JobSettings['email'];
  signal?: AbortSignal;
};

export type SendTestError =
  | { code: 'bad_address'; message: string }
  | { code: 'transport'; message: string; failure: TransportFailure };

export type SendTestResult = Result<
  { id: string; to: string; subject: string; transport: Transport['name'] },
  SendTestError
>;

export function testEmail(input: SendTestInput, to: string): OutgoingEmail {
  const { email, rendered } = input;
  // Subscriber id 0 belongs to nobody: its unsubscribe and vote links lead nowhere.
  const p = compilePersonaliser(rendered, input.issue)({ subscriberId: 0, email: to }, email.links);
  return {
    from: email.from,
    to,
    subject: TEST_SUBJECT_PREFIX + rendered.subject,
    html: p.html,
    text: p.text,
    ...(email.replyTo ? { replyTo: email.replyTo } : {}),
    headers: { ...p.headers },
    tags: [{ name: 'issue', value: input.week }],
  };
}

export async function sendTest(input: SendTestInput): Promise<SendTestResult> {
  const to = normaliseEmail(input.to);
  if (!to.ok) return err({ code: 'bad_address', message: `"${input.to}": ${to.error}` });
  const email = testEmail(input, to.value);
  const res = await input.transport.sendOne(email, input.signal ? { signal: input.signal } : {});
  if (!res.ok) {
    const message = `${res.error.name}: ${res.error.message}`;
    return err({ code: 'transport', message, failure: res.error });
  }
  return ok({
    id: res.value.id,
    to: to.value,
    subject: email.subject,
    transport: input.transport.name,
  });
}
