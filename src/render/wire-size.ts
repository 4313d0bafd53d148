// The size that counts for Gmail's clip is the HTML part as it travels: quoted-printable, as
// the MIME composer writes it (nodemailer, for the outbox; Resend's composer does the same for
// 7-bit HTML with long lines). Our HTML is ASCII, so QP only adds "=3D" for every "=" and a
// soft line break every 76 characters: about 1.09x the decoded bytes. Pure.
import { createRequire } from 'node:module';

type Qp = { encode: (b: Buffer) => string; wrap: (s: string, lineLength?: number) => string };
// nodemailer's own encoder (a CommonJS module with no dependencies beyond `stream`).
const qp = createRequire(import.meta.url)('nodemailer/lib/qp/index.js') as Qp;

/** Bytes of `html` once quoted-printable encoded and wrapped at 76 characters (CRLF). */
export function wireBytes(html: string): number {
  return Buffer.byteLength(qp.wrap(qp.encode(Buffer.from(html, 'utf8')), 76), 'utf8');
}
