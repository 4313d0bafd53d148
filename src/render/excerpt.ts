// The email carries an excerpt of each quote; the full quote lives on the web version.
const SENTENCE = /^(.+?[.!?])(?=\s+\S)/s;

/**
 * The first sentence when it fits in `max` characters, otherwise the text cut at the last word
 * boundary before `max` with "…". Whitespace is collapsed first. Text that fits is unchanged.
 */
export function excerpt(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const sentence = SENTENCE.exec(flat)?.[1];
  if (sentence && sentence.length <= max && sentence.length >= 40) return sentence;
  const cut = flat.slice(0, max);
  const space = cut.lastIndexOf(' ');
  const head = (space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:—–-]+$/, '');
  return `${head}…`;
}
