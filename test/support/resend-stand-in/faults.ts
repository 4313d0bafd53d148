// Fault injection: a function choosing a fault per request, or a seeded random plan.
import { errorReply, type Reply } from './errors.ts';

export type FaultKind =
  | 'status500' // 500 internal_server_error, nothing recorded
  | 'status503' // 503 application_error, nothing recorded
  | 'hang' // never answer; the socket stays open until the client gives up or close()
  | 'drop' // destroy the socket before processing; nothing recorded
  | 'slow' // wait `ms` (default 500) and then process normally
  | 'lostResponse' // process, record, keep for idempotency, then destroy the socket unanswered
  | 'quota' // 429 daily_quota_exceeded, no retry-after
  | 'validation'; // 422 validation_error, nothing recorded

export const FAULT_KINDS: readonly FaultKind[] = [
  'status500',
  'status503',
  'hang',
  'drop',
  'slow',
  'lostResponse',
  'quota',
  'validation',
];

export type Fault = FaultKind | { kind: FaultKind; ms?: number };

export interface FaultContext {
  endpoint: '/emails' | '/emails/batch';
  /** 1-based number of this request among all requests the server has seen. */
  requestNo: number;
  idempotencyKey: string | undefined;
  /** Parsed JSON, or the raw text when it is not JSON. */
  body: unknown;
}

export type FaultFn = (ctx: FaultContext) => Fault | null | undefined;

export interface RandomFaultPlan {
  /** Probability (0..1) that a request gets a fault. */
  rate: number;
  /** Kinds drawn from uniformly. Default: status500, status503, drop, slow, lostResponse. */
  kinds?: readonly FaultKind[];
  seed?: number;
  /** Delay for `slow` faults, default 500 ms. */
  slowMs?: number;
}

export type FaultsOption = FaultFn | RandomFaultPlan | null | undefined;

export const DEFAULT_RANDOM_KINDS: readonly FaultKind[] = [
  'status500',
  'status503',
  'drop',
  'slow',
  'lostResponse',
];

/** mulberry32: small, fast, deterministic for a given seed. */
export const seededRandom = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

/** Turns the `faults` option into one function (a plan gets its own PRNG, seeded once). */
export const toFaultFn = (faults: FaultsOption): FaultFn => {
  if (!faults) return () => null;
  if (typeof faults === 'function') return faults;
  const random = seededRandom(faults.seed ?? 1);
  const kinds = faults.kinds ?? DEFAULT_RANDOM_KINDS;
  if (kinds.length === 0) return () => null;
  return () => {
    if (random() >= faults.rate) return null;
    const kind = kinds[Math.floor(random() * kinds.length)]!;
    return kind === 'slow' ? { kind, ms: faults.slowMs ?? 500 } : kind;
  };
};

export const normalizeFault = (f: Fault): { kind: FaultKind; ms: number } =>
  typeof f === 'string' ? { kind: f, ms: 500 } : { kind: f.kind, ms: f.ms ?? 500 };

/** The error answer of a fault that answers with one, else null. */
export const faultReply = (kind: FaultKind): Reply | null => {
  switch (kind) {
    case 'status500':
      return errorReply(500, 'internal_server_error', 'Injected fault: internal server error.');
    case 'status503':
      return errorReply(503, 'application_error', 'Injected fault: service unavailable.');
    case 'quota':
      return errorReply(429, 'daily_quota_exceeded', 'You have reached your daily email quota.');
    case 'validation':
      return errorReply(422, 'validation_error', 'Injected fault: validation error.');
    default:
      return null;
  }
};
