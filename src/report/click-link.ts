// Clicked links, from Resend's email.clicked events, as the report groups them. Vote and
// unsubscribe links carry a per-reader token: it is dropped before a link is stored, so a
// link means the same for every reader (and the store keeps no tokens it does not need).
import type { Issue } from '../content/index.ts';

export type LinkKind = 'vote' | 'panel' | 'homepage' | 'web' | 'unsubscribe' | 'other';
export type ClickTarget = { kind: LinkKind; pairId: string | null; toolId: string | null };

const MAX_LINK = 2000;

const parse = (link: string): URL | null => {
  try {
    return new URL(link);
  } catch {
    return null;
  }
};

/** The link without its reader's token and query: what a report counts clicks by. */
export function normaliseLink(link: string): string {
  const url = parse(link);
  if (!url) return link.slice(0, MAX_LINK);
  const parts = url.pathname.split('/');
  // /vote/<week>/<pair>/<tool>/<token>, /unsubscribe/<token>, /confirm/<token>
  if (parts[1] === 'vote' && parts.length === 6) url.pathname = parts.slice(0, 5).join('/');
  if ((parts[1] === 'unsubscribe' || parts[1] === 'confirm') && parts.length === 3)
    url.pathname = `/${parts[1]}`;
  url.search = '';
  return url.toString().slice(0, MAX_LINK);
}

/** Which pair and tool of `issue` a (normalised or raw) link belongs to. */
export function classifyLink(link: string, issue: Pick<Issue, 'pairs'> | null): ClickTarget {
  const none = (kind: LinkKind): ClickTarget => ({ kind, pairId: null, toolId: null });
  const url = parse(link);
  if (!url) return none('other');
  const parts = url.pathname.split('/');
  const all = issue?.pairs ?? [];
  const pairs = new Map(all.map((p) => [p.id, p]));
  if (parts[1] === 'vote' && parts.length >= 5) {
    const pair = pairs.get(parts[3]!);
    const tool = pair?.tools.find((t) => t.id === parts[4]);
    if (pair && tool) return { kind: 'vote', pairId: pair.id, toolId: tool.id };
    return none('other');
  }
  if (parts[1] === 'unsubscribe') return none('unsubscribe');
  if (parts[1] === 'issues') {
    const pairId = decodeURIComponent(url.hash.slice(1));
    if (pairs.has(pairId)) return { kind: 'panel', pairId, toolId: null };
    return none('web');
  }
  const bare = (u: string) => u.replace(/\/+$/, '');
  for (const p of all) {
    const tool = p.tools.find((t) => t.homepage && bare(t.homepage) === bare(link));
    if (tool) return { kind: 'homepage', pairId: p.id, toolId: tool.id };
  }
  return none('other');
}
