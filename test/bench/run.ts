// `npm run bench`: import every test/bench/*.bench.ts, run its bench(), print one table, and
// exit 1 if any row failed its target. Files run one after another so they do not compete.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchModule, BenchRow } from './types.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

export function formatTable(rows: BenchRow[]): string {
  const header = ['name', 'value', 'unit', 'baseline', 'ratio', 'target', 'pass'];
  const cells = rows.map((r) => [
    r.name,
    formatNumber(r.value),
    r.unit,
    r.baseline ? `${r.baseline.name}: ${formatNumber(r.baseline.value)}` : '',
    r.ratio === undefined ? '' : `${formatNumber(r.ratio)}×`,
    r.target ?? '',
    r.pass === undefined ? '' : r.pass ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    c
      .map((x, i) => (i === 1 || i === 4 ? x.padStart(widths[i]!) : x.padEnd(widths[i]!)))
      .join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

async function main(): Promise<number> {
  const only = process.argv.slice(2);
  const files = readdirSync(here)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
    .sort();
  const rows: BenchRow[] = [];
  for (const file of files) {
    process.stderr.write(`bench: ${file}…\n`);
    const mod = (await import(pathToFileURL(path.join(here, file)).href)) as BenchModule;
    try {
      rows.push(...(await mod.bench()));
    } catch (e) {
      rows.push({
        name: `${file} crashed: ${(e as Error).message}`,
        value: Number.NaN,
        unit: '',
        pass: false,
      });
    }
  }
  process.stdout.write(`${formatTable(rows)}\n`);
  const failed = rows.filter((r) => r.pass === false);
  if (failed.length > 0) process.stdout.write(`\n${failed.length} row(s) missed their target\n`);
  return failed.length > 0 ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main();
}
