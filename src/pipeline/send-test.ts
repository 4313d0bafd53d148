// One [TEST] copy of a rendered issue (archived or a draft in memory) to one address through
// a given transport: no lease, no ledger row, no archive write, so the week stays unsent and
// unfrozen. The message is built as the sender builds each recipient's (same personaliser,
// headers and tags); only the subject gains the prefix.
import type { Config } from '../config.ts';
import type { Issue } from '../content/issue.ts';
import type { LinkContext } from '../links.ts';
import { compilePersonaliser } from '../render/personalise.ts';
import { err, ok, type Result } from '../result.ts';
import type { OutgoingEmail, Transport, TransportFailure } from '../send/transport.ts';
import { normaliseEmail } from '../store/email-address.ts';

export const TEST_SUBJECT_PREFIX = '[TEST] ';

export type SendTestInput = {
  /** As renderIssue returns it or the archive holds it: recipient fields are placeholders. */
  rendered: { subject: string; html: string; text: string };
  /** The issue it was rendered from (fixes the placeholder nonce). */
  issue: Issue;
  week: string;
  to: string;
  transport: Transport;
  config: Pick<Config, 'FROM_EMAIL' | 'REPLY_TO' | 'PUBLIC_BASE_URL' | 'TOKEN_SECRET'>;
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
  const { config, rendered } = input;
  const links: LinkContext = { baseUrl: config.PUBLIC_BASE_URL, secret: config.TOKEN_SECRET };
  // Subscriber id 0 belongs to nobody: its unsubscribe and vote links lead nowhere.
  const p = compilePersonaliser(rendered, input.issue)({ subscriberId: 0, email: to }, links);
  return {
    from: config.FROM_EMAIL,
    to,
    subject: TEST_SUBJECT_PREFIX + rendered.subject,
    html: p.html,
    text: p.text,
    ...(config.REPLY_TO ? { replyTo: config.REPLY_TO } : {}),
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
