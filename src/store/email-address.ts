// Subscriber addresses: normalised once on the way in so the store, the ledger and the
// provider all see the same string. A pragmatic subset of RFC 5322 (dot-atom local part, a
// dotted domain), strict enough that Resend's strict batch validation never rejects a whole
// batch of 100 because of one address we let in.
import { err, ok, type Result } from '../result.ts';

export const MAX_EMAIL_LENGTH = 254;
const MAX_LOCAL_LENGTH = 64;

// atext of RFC 5322 (no quoted strings, no comments): what real lists contain.
const LOCAL_ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u{80}-\u{10FFFF}-]+$/u;
// Letters (any script), digits and inner hyphens; no leading/trailing hyphen.
const DOMAIN_LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;
// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
const SPACE_OR_CONTROL = /[\s\u0000-\u001f\u007f]/u;

/**
 * Trim, keep the local part's case (it may matter to the receiving server), lower-case the
 * domain (it never does), and validate. The error is a short reason a person can act on.
 */
export function normaliseEmail(raw: string): Result<string, string> {
  const address = raw.trim();
  if (address === '') return err('empty address');
  if (address.length > MAX_EMAIL_LENGTH) return err(`longer than ${MAX_EMAIL_LENGTH} characters`);
  if (SPACE_OR_CONTROL.test(address)) return err('contains a space or control character');
  const at = address.indexOf('@');
  if (at === -1) return err('missing @');
  if (address.indexOf('@', at + 1) !== -1) return err('more than one @');
  const local = address.slice(0, at);
  const domain = address.slice(at + 1).toLowerCase();
  if (local === '') return err('nothing before the @');
  if (local.length > MAX_LOCAL_LENGTH) return err(`local part longer than ${MAX_LOCAL_LENGTH}`);
  if (!local.split('.').every((atom) => LOCAL_ATOM.test(atom))) {
    return err('local part has a character or dot that is not allowed');
  }
  if (domain === '') return err('nothing after the @');
  const labels = domain.split('.');
  if (labels.length < 2) return err('domain has no dot');
  if (!labels.every((l) => DOMAIN_LABEL.test(l))) return err('domain is not a valid host name');
  if ((labels.at(-1) ?? '').length < 2) return err('top-level domain too short');
  return ok(`${local}@${domain}`);
}
