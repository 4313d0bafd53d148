// The pre-send gate: an issue with lint findings is not sent unless an editor accepts each
// finding by name (its id, or its whole rule). Pure: findings and accepted names in, a verdict
// out; `send` and `run` call it before anything is frozen.
import type { LintFinding } from './lint.ts';

export type GateVerdict =
  | { status: 'clear'; accepted: LintFinding[]; unused: string[] }
  | { status: 'refused'; open: LintFinding[]; accepted: LintFinding[]; unused: string[] };

/**
 * `accept` holds finding ids (`size-1a2b3c4d`) or rule names (`caniemail`). Names that match
 * nothing are returned as `unused`, so a stale or mistyped `--accept` is visible.
 */
export function gate(
  findings: readonly LintFinding[],
  accept: readonly string[] = [],
): GateVerdict {
  const names = new Set(accept);
  const isAccepted = (f: LintFinding) => names.has(f.id) || names.has(f.rule);
  const accepted = findings.filter(isAccepted);
  const open = findings.filter((f) => !isAccepted(f));
  const unused = [...names].filter((n) => !findings.some((f) => f.id === n || f.rule === n));
  return open.length === 0
    ? { status: 'clear', accepted, unused }
    : { status: 'refused', open, accepted, unused };
}

/** One line per finding, as `lint`, `send` and `run` print them. */
export const findingLine = (f: LintFinding) => `[${f.rule}] ${f.id}: ${f.message}`;
