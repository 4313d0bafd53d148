// What a provider's answer says about its rate limit (`ratelimit-limit`, `ratelimit-remaining`,
// `ratelimit-reset` in seconds, IETF draft names as Resend sends them), for the pacer. Resend
// sends them on every answer, success or error; a missing or malformed one means "no news".
import type { RateInfo } from './transport.ts';

const count = (v: string | undefined): number | null => {
  if (v === undefined || !/^\s*\d+\s*$/.test(v)) return null;
  return Number(v);
};

export function rateInfoFrom(
  headers: Record<string, string> | null | undefined,
): RateInfo | undefined {
  if (!headers) return undefined;
  const limit = count(headers['ratelimit-limit']);
  const remaining = count(headers['ratelimit-remaining']);
  const reset = Number(headers['ratelimit-reset']);
  if (
    limit === null ||
    limit < 1 ||
    remaining === null ||
    headers['ratelimit-reset'] === undefined
  ) {
    return undefined;
  }
  if (!Number.isFinite(reset) || reset < 0) return undefined;
  return { limit, remaining, resetMs: Math.round(reset * 1000) };
}
