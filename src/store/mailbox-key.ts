// The mailbox an address delivers to: for counting confirmation emails, and for the keyed hash
// of a suppressed or forgotten address (suppressions.ts), so a variant of a refused mailbox is
// refused too. `Victim+1@Example.org` and `victim+2@example.org` land in one inbox, so a cap per
// address alone lets anyone send one person as many confirmations as they can invent tags.
// Case is folded in the local part too: nearly every provider ignores it, and over-counting
// only delays a second email (or refuses a variant of an address that asked never to be mailed).
//
// Provider rules, conservative: only what the provider documents as one inbox.
// - Gmail (gmail.com, and googlemail.com, the same accounts under the old name): dots in the
//   local part are ignored, so `j.o.h.n@` is `john@`.
// - `+tag` is folded for every domain: Gmail, Outlook.com (outlook/hotmail/live/msn), iCloud,
//   Fastmail, Proton and most servers deliver `user+tag` to `user`.
// - Not folded: Yahoo's `base-keyword` disposable addresses (a separate alias system whose base
//   is not the account name), Fastmail's `anything@user.fastmail.com`, Proton's dots and the
//   iCloud/me.com/mac.com or proton.me/pm.me domain aliases (only some accounts have them).
const GMAIL_DOMAINS = new Set(['gmail.com', 'googlemail.com']);

export function mailboxKey(address: string): string {
  const lower = address.trim().toLowerCase();
  const at = lower.lastIndexOf('@');
  if (at === -1) return lower;
  let local = lower.slice(0, at);
  let domain = lower.slice(at + 1);
  const plus = local.indexOf('+');
  if (plus > 0) local = local.slice(0, plus);
  if (GMAIL_DOMAINS.has(domain)) {
    domain = 'gmail.com';
    local = local.replaceAll('.', '') || local;
  }
  return `${local}@${domain}`;
}
