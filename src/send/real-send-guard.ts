// Before mail goes to real people through Resend's own API, refuse settings that would make
// every link in it unsafe or dead: the development TOKEN_SECRET (anyone could forge unsubscribe
// and vote links) or a PUBLIC_BASE_URL that is not a public https address. A local stand-in
// (RESEND_BASE_URL set) and the outbox are left alone: nothing reaches a real inbox there.
import { type Config, DEV_TOKEN_SECRET } from '../config.ts';
import { VerdictsError } from '../errors.ts';

const LOCAL_HOST = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\]|.*\.localhost)$/i;

export function assertSafeForRealSend(
  config: Pick<Config, 'TOKEN_SECRET' | 'PUBLIC_BASE_URL' | 'RESEND_BASE_URL'>,
): void {
  if (config.RESEND_BASE_URL) return;
  const problems: string[] = [];
  if (config.TOKEN_SECRET === DEV_TOKEN_SECRET) {
    problems.push('TOKEN_SECRET: still the development default; set a long random value');
  }
  const url = new URL(config.PUBLIC_BASE_URL);
  if (url.protocol !== 'https:' || LOCAL_HOST.test(url.hostname)) {
    problems.push(
      `PUBLIC_BASE_URL: ${config.PUBLIC_BASE_URL} is not a public https address; every link in the email would be dead`,
    );
  }
  if (problems.length > 0) {
    throw new VerdictsError(
      'send',
      'unsafe_settings',
      'refusing to send real mail through Resend with these settings',
      problems,
    );
  }
}
