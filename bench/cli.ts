// CLI start-up: `agenttune --version` from dist/ against a bare `node -e 0`, alternating (bench/results/cli.json).
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { type Row, writeResults } from "./table.js";

const bin = new URL("../bin/agenttune.js", import.meta.url).pathname;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function timeMs(args: string[]): number {
  const start = performance.now();
  execFileSync(process.execPath, args, { stdio: "ignore" });
  return performance.now() - start;
}

export async function benchCli(): Promise<Row[]> {
  if (!existsSync(new URL("../dist/cli/main.js", import.meta.url)))
    return [{ measure: "cli start-up", value: "skipped", note: "no dist/: npm run build" }];
  const cli: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < 10; i++) {
    cli.push(timeMs([bin, "--version"]));
    bare.push(timeMs(["-e", "0"]));
  }
  const results = { date: new Date().toISOString(), versionMs: median(cli), bareNodeMs: median(bare) };
  writeResults("cli", results);
  return [
    {
      measure: "cli start-up (`agenttune --version`)",
      value: `${results.versionMs.toFixed(0)} ms`,
      note: `median of 10; a bare \`node -e 0\` takes ${results.bareNodeMs.toFixed(0)} ms (heavy modules load where used)`,
    },
  ];
}
