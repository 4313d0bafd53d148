// HTML escaping for values we insert outside Handlebars (recipient fields, feed titles).
const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#x27;',
};

export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);

/**
 * Non-ASCII characters as numeric references: the email HTML stays 7-bit (safe in any
 * transport) and, in V8, a one-byte string, so personalising it copies half the bytes.
 */
export const asciiHtml = (s: string) =>
  s.replace(/[\u0080-\u{10ffff}]/gu, (c) => `&#${c.codePointAt(0)};`);

const NEEDS_ASCII_HTML = /[&<>"'\u0080-\uffff]/;

/** asciiHtml(escapeHtml(s)), with one test for the usual value that needs neither. */
export const asciiEscapeHtml = (s: string) =>
  NEEDS_ASCII_HTML.test(s) ? asciiHtml(escapeHtml(s)) : s;
