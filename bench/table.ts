// Shared output of the benchmarks: a printed table and bench/results/<name>.json.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface Row {
  measure: string;
  value: string;
  note: string;
}

export function printTable(rows: readonly Row[]): void {
  const width = Math.max(7, ...rows.map((r) => r.measure.length));
  const valueWidth = Math.max(5, ...rows.map((r) => r.value.length));
  console.log(`${"measure".padEnd(width)}  ${"value".padEnd(valueWidth)}  note`);
  for (const r of rows) console.log(`${r.measure.padEnd(width)}  ${r.value.padEnd(valueWidth)}  ${r.note}`);
}

export function writeResults(name: string, results: unknown): void {
  const dir = new URL("./results/", import.meta.url).pathname;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
}
