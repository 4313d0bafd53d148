// The mailbox an address delivers to, for counting confirmation emails. `Victim+1@Example.org`
// and `victim+2@example.org` land in one inbox, so a cap per address alone lets anyone send
// one person as many confirmations as they can invent tags. Case is folded in the local part
// too: nearly every provider ignores it, and over-counting only delays a second email.
export function mailboxKey(address: string): string {
  const at = address.lastIndexOf('@');
  if (at === -1) return address.toLowerCase();
  const local = address.slice(0, at);
  const plus = local.indexOf('+');
  const base = plus > 0 ? local.slice(0, plus) : local;
  return `${base}@${address.slice(at + 1)}`.toLowerCase();
}
