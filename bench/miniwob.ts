// MiniWoB++ (bench/results/miniwob.json): a bare page load (take a pooled page, load the task, seed,
// start) against a whole oracle episode of the RCI agent on the same task, measured side by side; and
// the oracle over every task with a solver × 20 seeds (the issue's bar: reward > 0 on each). Needs
// Chromium and the MiniWoB++ pages and RCI prompts (AGENTTUNE_BENCHMARKS); skipped without them.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { oracleModel, runEpisode } from "../src/agent/index.js";
import { chromiumPath, launchChromium, PagePool, startStaticServer } from "../src/browser/index.js";
import type { Trajectory } from "../src/core/index.js";
import { MiniwobPage } from "../src/envs/miniwob/page.js";
import { solvers } from "../src/envs/miniwob/solvers.js";
import { miniwobSpec } from "../src/envs/miniwob/spec.js";
import { runEval } from "../src/eval/index.js";
import { type Row, writeResults } from "./table.js";

const benchmarks =
  process.env.AGENTTUNE_BENCHMARKS ?? join(import.meta.dirname, "..", "..", "shared", "benchmarks");
const html = join(benchmarks, "miniwob", "html");
const prompts = join(benchmarks, "agenttuning", "miniwob-rci");
const seeds = Number(process.env.MINIWOB_BENCH_SEEDS ?? 20);

export async function benchMiniwob(): Promise<Row[]> {
  if (!chromiumPath() || !existsSync(join(html, "core", "core.js")) || !existsSync(join(prompts, "prompt")))
    return [{ measure: "miniwob", value: "skipped", note: `no Chromium or no pages under ${benchmarks}` }];
  const rows: Row[] = [];
  const tasks = ["click-button", "enter-text", "email-inbox"];
  const timing: Record<string, { loadMs: number; episodeMs: number; ratio: number }> = {};

  // one browser for the bare loads, the env's own for the episodes; runs alternate so load drifts hit both
  const browser = await launchChromium();
  const server = await startStaticServer(html);
  const pool = new PagePool(browser, { viewport: { width: 500, height: 500 } });
  const backend = await miniwobSpec.open({ miniwob: html, prompts });
  const model = oracleModel(miniwobSpec);
  try {
    for (const task of tasks) {
      let loadMs = 0;
      let episodeMs = 0;
      const rounds = 10;
      for (let seed = 0; seed < rounds; seed++) {
        let start = performance.now();
        const page = await MiniwobPage.open(pool, `${server.url}miniwob/${task}.html`, seed);
        await page.state();
        await page.close();
        loadMs += performance.now() - start;
        start = performance.now();
        const t: Trajectory = await runEpisode({ spec: miniwobSpec, backend, task: { task, seed }, model });
        episodeMs += performance.now() - start;
        if (!t.success) throw new Error(`bench: the oracle failed ${task} seed ${seed}: ${t.failure}`);
      }
      timing[task] = { loadMs: loadMs / rounds, episodeMs: episodeMs / rounds, ratio: episodeMs / loadMs };
      rows.push({
        measure: `miniwob ${task} episode / bare page load`,
        value: `${(episodeMs / loadMs).toFixed(2)}×`,
        note: `${(episodeMs / rounds).toFixed(0)} ms vs ${(loadMs / rounds).toFixed(0)} ms, oracle, ${rounds} seeds`,
      });
    }
  } finally {
    await backend.close();
    await pool.close();
    await browser.close();
    await server.close();
  }

  // every solver × `seeds` seeds through the eval runner, 4 episodes in flight
  const dir = mkdtempSync(join(tmpdir(), "bench-miniwob-"));
  const file = join(dir, "episodes.jsonl");
  const names = Object.keys(solvers);
  writeFileSync(
    file,
    names
      .flatMap((task) => Array.from({ length: seeds }, (_, seed) => `${JSON.stringify({ task, seed })}\n`))
      .join(""),
  );
  const start = performance.now();
  await runEval({
    env: "miniwob",
    tasks: file,
    model: "oracle",
    out: join(dir, "out"),
    miniwob: html,
    prompts,
    progress: false,
  });
  const seconds = (performance.now() - start) / 1000;
  const results = readFileSync(join(dir, "out", "results.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Trajectory);
  rmSync(dir, { recursive: true, force: true });
  const perTask: Record<string, string> = {};
  for (const name of names) {
    const mine = results.filter((r) => r.taskId.startsWith(`${name}:`));
    perTask[name] = `${mine.filter((r) => r.success).length}/${mine.length}`;
  }
  const failed = results.filter((r) => !r.success);
  rows.push({
    measure: `miniwob oracle, ${names.length} tasks × ${seeds} seeds`,
    value: `${results.length - failed.length}/${results.length} solved`,
    note: `${(results.length / seconds).toFixed(2)} episodes/s at concurrency 4${failed.length ? `; failed: ${failed.map((r) => r.taskId).join(", ")}` : ""}`,
  });
  writeResults("miniwob", {
    date: new Date().toISOString(),
    timing,
    seeds,
    perTask,
    episodesPerSecond: results.length / seconds,
  });
  return rows;
}
