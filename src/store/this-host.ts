// Who "this host" is for a lease: a holder on this host whose process is gone may be taken over
// at once, where any other holder's lease must run out first. Only safe when a pid means the
// same process to both: the same machine (its boot id) and the same pid namespace (a container
// has its own), not merely the same host name (two machines, or two containers, can share one).
// VERDICTS_HOST_ID, for tests, makes one machine play several hosts.
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

const read = (f: () => string) => {
  try {
    return f().trim();
  } catch {
    return '';
  }
};

let cached: string | undefined;

/** `name` or `name#<boot id>#<pid namespace>` where the system tells them. */
export function thisHost(): string {
  const forced = process.env.VERDICTS_HOST_ID?.trim();
  if (forced) return forced;
  cached ??= [
    hostname(),
    read(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8')).slice(0, 8),
    read(() => readlinkSync('/proc/self/ns/pid')).replace(/\D/g, ''),
  ]
    .filter((p) => p !== '')
    .join('#');
  return cached;
}

/** The host's name as people know it, for messages. */
export const hostLabel = (host: string) => host.split('#')[0] ?? host;
