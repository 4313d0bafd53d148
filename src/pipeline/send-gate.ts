// The hook between the archive and the ledger: before a week is frozen, the archive must have
// been built for this PUBLIC_BASE_URL, and its lint findings must pass the gate (or be
// accepted by name). A resumed (already frozen) send is past the gate and is never re-judged.
import type { ArchivedEmail } from '../archive/index.ts';
import { type GateVerdict, gate, type LintFinding, lintRendered } from '../render/index.ts';

/** The base URL an archive was built for: meta.json's, or (older archives) its web link's. */
export function archivedBaseUrl(archived: ArchivedEmail): string | null {
  if (archived.meta.baseUrl) return archived.meta.baseUrl;
  const week = archived.issue.week;
  const m = new RegExp(`href="([^"]+?)/issues/${week}/"`).exec(archived.html);
  return m?.[1] ?? null;
}

const trim = (url: string) => url.replace(/\/+$/, '');

export type BaseUrlMismatch = { builtFor: string; sendingFor: string; message: string };

/** Links in the archive that point at another site than the one we send for, or null. */
export function baseUrlMismatch(archived: ArchivedEmail, baseUrl: string): BaseUrlMismatch | null {
  // A variant built for another site than its week is refused the same way.
  const other = [...archived.variants.values()].find(
    (v) => trim(archivedBaseUrl(v) ?? baseUrl) !== trim(archivedBaseUrl(archived) ?? baseUrl),
  );
  const built = archivedBaseUrl(other ?? archived);
  if (built === null || trim(built) === trim(baseUrl)) return null;
  const week = archived.issue.week;
  return {
    builtFor: built,
    sendingFor: baseUrl,
    message: `issues/${week} was built for PUBLIC_BASE_URL=${built}, but this send has PUBLIC_BASE_URL=${baseUrl}: its web and vote links would point at one site and its unsubscribe links at the other. Rebuild the week with the right setting (verdicts build --week ${week}) or send with PUBLIC_BASE_URL=${built}. Nothing was sent.`,
  };
}

/**
 * The findings recorded at build time, the variants' too (a variant is mailed like the full
 * issue, so it passes the same gate); an archive from before the gate is linted now. A
 * finding several variants share is listed once.
 */
async function findingsOf(archived: ArchivedEmail, baseUrl: string): Promise<LintFinding[]> {
  // Only this path loads MJML and caniemail, which the sender otherwise never needs.
  const own = async (a: ArchivedEmail) => a.meta.lint ?? lintRendered(a, a.issue, { baseUrl });
  const all = [await own(archived)];
  for (const v of archived.variants.values()) all.push(await own(v));
  const byId = new Map<string, LintFinding>();
  for (const f of all.flat()) if (!byId.has(f.id)) byId.set(f.id, f);
  return [...byId.values()];
}

export type GateOutcome =
  | { status: 'wrong-base-url'; mismatch: BaseUrlMismatch }
  | { status: 'judged'; verdict: GateVerdict };

export async function gateArchive(
  archived: ArchivedEmail,
  baseUrl: string,
  accept: readonly string[],
): Promise<GateOutcome> {
  const mismatch = baseUrlMismatch(archived, baseUrl);
  if (mismatch) return { status: 'wrong-base-url', mismatch };
  return { status: 'judged', verdict: gate(await findingsOf(archived, baseUrl), accept) };
}
