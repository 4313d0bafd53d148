// One row of the bench table. A bench file exports `bench(): Promise<BenchRow[]>`.
export type BenchRow = {
  name: string;
  value: number;
  unit: string;
  /** What this row is compared against (e.g. the naive way), shown next to it. */
  baseline?: { name: string; value: number };
  /** value / baseline.value (or the inverse for "lower is better" rows, as the file says). */
  ratio?: number;
  /** Human-readable target, e.g. ">= 30000 msgs/s". */
  target?: string;
  /** False fails the whole run (exit 1); undefined means informational. */
  pass?: boolean;
};

export type BenchModule = { bench: () => Promise<BenchRow[]> };
