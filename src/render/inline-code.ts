// Inline code in a quote: editors write `AutoModelForVision2Seq.from_pretrained` with
// backticks, as in Markdown. HTML shows the span as <code> without the backticks; the plain-text
// part keeps them. Only a matched pair on one line counts; a lone backtick stays as it is.

/** `text` as HTML: every piece escaped with `escapeHtml`, each `…` span as <code>…</code>. */
export function inlineCodeHtml(
  text: string,
  escapeHtml: (s: string) => string,
  codeStyle?: string,
): string {
  const open = codeStyle ? `<code style="${escapeHtml(codeStyle)}">` : '<code>';
  let out = '';
  let last = 0;
  for (const m of text.matchAll(/`([^`\n]+)`/g)) {
    out += escapeHtml(text.slice(last, m.index)) + open + escapeHtml(m[1]!) + '</code>';
    last = m.index + m[0].length;
  }
  return out + escapeHtml(text.slice(last));
}
