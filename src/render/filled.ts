// A personalised body kept as the template's constant pieces around one recipient's values,
// literals[0] + values[slots[0]] + literals[1] + … + literals[n]. The literals and slots are
// shared by every recipient of an issue, so a transport can encode the literals once
// (JSON-escaped UTF-8 for Resend, quoted-printable for the outbox) and per recipient encode
// each distinct value once, however many links repeat it.

export type Filled = {
  /** Shared by every recipient of one template: transports cache their encoding by identity. */
  readonly literals: readonly string[];
  /** Shared too: which value fills gap i (literals.length - 1 of them). */
  readonly slots: readonly number[];
  /** This recipient's distinct values, already escaped for the part (HTML or plain text). */
  readonly values: readonly string[];
};

/** A body is a plain string (a one-off email) or a filled template. */
export type Body = string | Filled;

export function joinFilled({ literals, slots, values }: Filled): string {
  let out = literals[0]!;
  for (let i = 0; i < slots.length; i++) out += values[slots[i]!]! + literals[i + 1]!;
  return out;
}

/** Each piece in order: `literal` holds the literals already encoded, and every distinct value is transformed once (e.g. to bytes). */
export function eachPiece<L, V>(
  { slots, values }: Filled,
  literal: readonly L[],
  value: (v: string) => V,
  emit: (piece: L | V) => void,
): void {
  const vs = values.map(value);
  emit(literal[0]!);
  for (let i = 0; i < slots.length; i++) {
    emit(vs[slots[i]!]!);
    emit(literal[i + 1]!);
  }
}

export const bodyString = (b: Body): string => (typeof b === 'string' ? b : joinFilled(b));

/** The same body as a one-piece template, so transports need only one code path. */
export const asFilled = (b: Body): Filled =>
  typeof b === 'string' ? { literals: [b], slots: [], values: [] } : b;
