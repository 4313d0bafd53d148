// A personalised body kept as the template's constant pieces around one recipient's values,
// literals[0] + values[0] + literals[1] + … + literals[n]. The literals array is shared by
// every recipient of an issue, so a transport can encode it once (JSON-escaped UTF-8 for
// Resend, quoted-printable for the outbox) and spend per recipient only the values' bytes.

export type Filled = {
  /** Shared by every recipient of one template: transports cache their encoding by identity. */
  readonly literals: readonly string[];
  /** One per gap, already escaped for the part (HTML or plain text); literals.length - 1. */
  readonly values: readonly string[];
};

/** A body is a plain string (a one-off email) or a filled template. */
export type Body = string | Filled;

export function joinFilled({ literals, values }: Filled): string {
  let out = literals[0]!;
  for (let i = 0; i < values.length; i++) out += values[i]! + literals[i + 1]!;
  return out;
}

export const bodyString = (b: Body): string => (typeof b === 'string' ? b : joinFilled(b));

/** The same body as a one-piece template, so transports need only one code path. */
export const asFilled = (b: Body): Filled =>
  typeof b === 'string' ? { literals: [b], values: [] } : b;
