// Will this batches fit in the V8 heap this process was given? Pure.
//
// Sending holds one request's working set per request in flight, and that scales with the
// characters of one batch of personalised email, 100 × (HTML + text + headers): the
// personalised strings, the JSON serializer's pieces and a flat copy of the body exist at
// once, two bytes per character as soon as one character is outside Latin-1 (a curly quote
// in the text part, one reader's name), so the estimate always assumes two-byte. The constants
// are fitted to the compiled sender's runs at a capped heap, one request in flight: the
// one-pair seed issue (2.35 M chars a batch) ran out at 36 MB of old space and finished at 44;
// a six-pair issue (9.35 M) ran out at 80 and finished at 96; with 128 MB it finished with two
// requests in flight and ran out with four. Where V8 gives up near its limit varies from run to
// run, so a heap within a quarter of the estimate is reported as tight, not refused.

/** Heap with no email in it (Node, the CLI, SQLite, the Resend SDK), young generation included. */
const BASE_MB = 27;
/** MB of heap per million characters of a batch: the first request, and each further one. */
const FIRST_MB_PER_MCHAR = 6.9;
const MORE_MB_PER_MCHAR = 3;
/** Headers, addresses and JSON keys per email, in characters. */
const PER_EMAIL_EXTRA = 1024;
const TIGHT = 1.25;

export type HeapFit = { needMb: number; limitMb: number; fit: 'ok' | 'tight' | 'too_small' };

export function sendHeapFit(opts: {
  htmlChars: number;
  textChars: number;
  batchSize: number;
  maxInFlight: number;
  /** v8.getHeapStatistics().heap_size_limit, in MB. */
  limitMb: number;
}): HeapFit {
  const mchars = (opts.batchSize * (opts.htmlChars + opts.textChars + PER_EMAIL_EXTRA)) / 2 ** 20;
  const needMb = Math.ceil(
    BASE_MB + FIRST_MB_PER_MCHAR * mchars + MORE_MB_PER_MCHAR * mchars * (opts.maxInFlight - 1),
  );
  const limitMb = Math.floor(opts.limitMb);
  const fit = limitMb < needMb ? 'too_small' : limitMb < needMb * TIGHT ? 'tight' : 'ok';
  return { needMb, limitMb, fit };
}
