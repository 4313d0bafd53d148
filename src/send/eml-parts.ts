// One .eml as a list of buffers. nodemailer's MailComposer writes the envelope (headers,
// encoded words, boundaries, part headers) around two short markers; the bodies then go where
// the markers were, as quoted-printable pieces: the shared segments encoded once per
// issue, and per reader only the values between them. No reader's whole email is ever a
// string. A soft line break (`=` CRLF) ends every piece but a part's last, so each piece is
// encoded on its own and the decoded part is exactly their concatenation.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { asFilled, type Body, eachPiece } from '../render/index.ts';

type Nodemailer = {
  MailComposer: typeof import('nodemailer/lib/mail-composer/index.js');
  qp: typeof import('nodemailer/lib/qp/index.js');
};

// Random per process, so no header or data value can contain one; never written out.
const MARK = randomBytes(12).toString('hex');
const TEXT_MARK = `vttext${MARK}`;
const HTML_MARK = `vthtml${MARK}`;

let loaded: Promise<Nodemailer> | null = null;
/** Loaded on first use: a Resend send never needs it (~10 MB of the sender's memory). */
const nodemailer = () => {
  loaded ??= Promise.all([
    import('nodemailer/lib/mail-composer/index.js'),
    import('nodemailer/lib/qp/index.js'),
  ]).then(([m, q]) => ({ MailComposer: m.default, qp: q.default ?? q }));
  return loaded;
};

// Lines of at most 75 characters leave room for the `=` a soft break appends.
const qpPiece = (qp: Nodemailer['qp'], s: string, soft: boolean): Buffer =>
  s === '' ? Buffer.alloc(0) : Buffer.from(`${qp.wrap(qp.encode(s), 75)}${soft ? '=\r\n' : ''}`);

const encodedLiterals = new WeakMap<readonly string[], Buffer[]>();

function qpBody(qp: Nodemailer['qp'], body: Body): Buffer[] {
  const filled = asFilled(body);
  const { literals } = filled;
  let lits = encodedLiterals.get(literals);
  if (!lits) {
    lits = literals.map((l, i) => qpPiece(qp, l, i < literals.length - 1));
    encodedLiterals.set(literals, lits);
  }
  const out: Buffer[] = [];
  eachPiece(
    filled,
    lits,
    (v) => qpPiece(qp, v, true),
    (b) => out.push(b),
  );
  return out;
}

export type EmlInput = Omit<Mail.Options, 'text' | 'html'> & {
  text: Body;
  html: Body;
  baseBoundary: string;
};

/** The message's bytes, in order; write them as they are (fs writeFile takes the array). */
export async function emlParts(mail: EmlInput): Promise<Buffer[]> {
  const { MailComposer, qp } = await nodemailer();
  const { text, html, ...envelope } = mail;
  // A stream body makes nodemailer declare quoted-printable whatever the marker looks like.
  const skeleton = await new MailComposer({
    ...envelope,
    text: Readable.from([Buffer.from(TEXT_MARK)]),
    html: Readable.from([Buffer.from(HTML_MARK)]),
  } as Mail.Options)
    .compile()
    .build();
  const t = skeleton.indexOf(TEXT_MARK);
  const h = skeleton.indexOf(HTML_MARK);
  if (t < 0 || h < t) throw new Error('eml skeleton: body markers not found in order');
  return [
    skeleton.subarray(0, t),
    ...qpBody(qp, text),
    skeleton.subarray(t + TEXT_MARK.length, h),
    ...qpBody(qp, html),
    skeleton.subarray(h + HTML_MARK.length),
  ];
}
