// Render once, personalise many: the rendered (or archived) HTML and text are split at their
// placeholders once; each recipient then costs two HMACs and a few escaped values. The sender
// keeps a recipient's body as those values between the shared segments (a Filled), so no
// per-recipient copy of the whole email exists; previews and tests join it into a string.
// Nothing a recipient or a data file contains is ever scanned for placeholders.
import type { Issue } from '../content/index.ts';
import { VerdictsError } from '../errors.ts';
import {
  type LinkContext,
  listId,
  preferencesUrls,
  unsubscribeHeaders,
  voteTokens,
} from '../links.ts';
import { asciiEscapeHtml, escapeHtml } from './escape.ts';
import { type Filled, joinFilled } from './filled.ts';
import {
  PLACEHOLDER_KEYS,
  type PlaceholderKey,
  placeholderNonce,
  placeholderPattern,
} from './placeholders.ts';

export type Recipient = { subscriberId: number; email: string; name?: string | null };

export type PersonalisedMessage = {
  html: string;
  text: string;
  headers: {
    'List-Id': string;
    'List-Unsubscribe': string;
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click';
  };
  unsubscribeUrl: string;
};

export type Personaliser = (recipient: Recipient, links: LinkContext) => PersonalisedMessage;

/** One recipient's copy as values between the issue's shared segments. */
export type FilledMessage = Omit<PersonalisedMessage, 'html' | 'text'> & {
  html: Filled;
  text: Filled;
};

export type Filler = (recipient: Recipient, links: LinkContext) => FilledMessage;

type Split = { literals: string[]; slots: number[] };

/** Some whitespace that oneLine changes: other than a plain space, two in a row, or at an end. */
const NOT_ONE_LINE = /[^\S ]| {2}|^ | $/;
/** `s` with each run of whitespace as one space and none at the ends (usually `s` itself). */
const oneLine = (s: string) => (NOT_ONE_LINE.test(s) ? s.replace(/\s+/g, ' ').trim() : s);

/**
 * A fresh sequential copy. Strings built by regexp replaces and splits can be two-byte or
 * sliced in V8 even when every character is Latin-1, which made each per-recipient join ~30×
 * slower (a full re-encode); a Latin-1 round trip gives flat one-byte segments.
 */
const flat = (s: string) => {
  const enc = /[\u0100-\uffff]/.test(s) ? 'utf16le' : 'latin1';
  return Buffer.from(s, enc).toString(enc);
};

function split(body: string, nonce: string, part: string): Split {
  const pieces = body.split(placeholderPattern(nonce)).map(flat);
  const literals: string[] = [];
  const keys: PlaceholderKey[] = [];
  pieces.forEach((piece, i) => {
    if (i % 2 === 0) literals.push(piece);
    else keys.push(piece as PlaceholderKey);
  });
  if (!keys.includes('unsub')) {
    throw new VerdictsError(
      'render',
      'no_unsubscribe_placeholder',
      `the ${part} part has no unsubscribe placeholder for this issue; it was rendered from other data or a template dropped the link`,
    );
  }
  // Gap i takes value slots[i], in PLACEHOLDER_KEYS order (fill below builds values so).
  return { literals, slots: keys.map((k) => PLACEHOLDER_KEYS.indexOf(k)) };
}

// The values of a Filled are in PLACEHOLDER_KEYS order; the filler below lists them so.
const ORDER: readonly ['unsub', 'vote', 'name', 'email', 'prefs'] = PLACEHOLDER_KEYS;
void ORDER;

/** What every reader of one site shares: the List-Id, and signers for the two tokens. */
function siteParts(links: LinkContext, week: string) {
  const header = unsubscribeHeaders(links, week);
  // HTML escaping works character by character and a token needs none, so one reader's URL
  // tells whether the site's does; any usual one needs none, and both parts share one string.
  const sample = header(1).slice(1, -1);
  return {
    baseUrl: links.baseUrl,
    secret: links.secret,
    listId: listId(links),
    header,
    vote: voteTokens(links, week),
    prefs: preferencesUrls(links),
    htmlEscapesUrl: escapeHtml(sample) !== sample,
  };
}

/**
 * `rendered` is what renderIssue returned or what the archive holds (email.html, email.txt);
 * `issue` is the issue it was rendered from (issue.json), which fixes the placeholder nonce.
 */
export function compileFiller(rendered: { html: string; text: string }, issue: Issue): Filler {
  const nonce = placeholderNonce(issue);
  const html = split(rendered.html, nonce, 'HTML');
  const text = split(rendered.text, nonce, 'text');
  const week = issue.week;
  let site: ReturnType<typeof siteParts> | undefined;
  // Per reader: two tokens, each made as one string, and as few other objects as the shapes
  // need (both parts share one values array whenever HTML escaping changes nothing).
  return (recipient, links) => {
    if (site?.baseUrl !== links.baseUrl || site.secret !== links.secret) {
      site = siteParts(links, week);
    }
    const header = site.header(recipient.subscriberId);
    const unsub = header.slice(1, -1);
    const vote = site.vote(recipient.subscriberId);
    const name = recipient.name ? oneLine(recipient.name) : '';
    const greeting = name === '' ? 'there' : name;
    const email = oneLine(recipient.email);
    const prefs = site.prefs(recipient.subscriberId);
    const values = [unsub, vote, greeting, email, prefs];
    const htmlGreeting = asciiEscapeHtml(greeting);
    const htmlEmail = asciiEscapeHtml(email);
    const htmlValues =
      !site.htmlEscapesUrl && htmlGreeting === greeting && htmlEmail === email
        ? values
        : [
            site.htmlEscapesUrl ? escapeHtml(unsub) : unsub,
            vote,
            htmlGreeting,
            htmlEmail,
            site.htmlEscapesUrl ? escapeHtml(prefs) : prefs,
          ];
    return {
      html: { literals: html.literals, slots: html.slots, values: htmlValues },
      text: { literals: text.literals, slots: text.slots, values },
      headers: {
        'List-Id': site.listId,
        'List-Unsubscribe': header,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      },
      unsubscribeUrl: unsub,
    };
  };
}

/** The same, joined into whole strings: for previews, lint and tests, not for sending. */
export function compilePersonaliser(
  rendered: { html: string; text: string },
  issue: Issue,
): Personaliser {
  const filler = compileFiller(rendered, issue);
  return (recipient, links) => {
    const m = filler(recipient, links);
    return { ...m, html: joinFilled(m.html), text: joinFilled(m.text) };
  };
}
