// A subscriber's name is shown in emails, in To: headers and on pages: one line of printable
// text, at most 100 characters, or none. Cleaned in the store, so the form, the CLI and any
// import give the same result.
const MAX_NAME = 100;

// Bidirectional controls (which would reorder the rest of a To: header or a greeting) and
// zero-width characters (which hide text): removed, not replaced by a space.
const INVISIBLE = /[\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]+/g;

/** One line of printable text, or null (escaped where shown; this only keeps it one line). */
export function cleanName(raw: string | null | undefined): string | null {
  const name = (raw ?? '')
    .replace(INVISIBLE, '')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ');
  return name.replace(/\s+/g, ' ').trim().slice(0, MAX_NAME).trim() || null;
}
