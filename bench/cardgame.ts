// The card game (bench/results/cardgame.json): games per second of the engine with two baselines,
// the same seeds played by the oracle through the env's text harness (prompts built, replies decoded)
// measured side by side, the ext split through the eval runner, and the rates of the scripted players.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { oracleModel, runEpisode } from "../src/agent/index.js";
import { playScripted } from "../src/envs/cardgame/match.js";
import { cardgameSpec } from "../src/envs/cardgame/spec.js";
import { extendSplit } from "../src/envs/cardgame/tasks.js";
import { runEval } from "../src/eval/index.js";
import { type Row, writeResults } from "./table.js";

export async function benchCardgame(): Promise<Row[]> {
  const tasks = extendSplit(50);
  const rows: Row[] = [];

  // baseline2 against baseline1 on the split's seeds, baseline2 in the LLM's seat
  let scriptedMs = 0;
  let baseline2Wins = 0;
  let oracleMs = 0;
  const backend = await cardgameSpec.open({});
  const model = oracleModel(cardgameSpec);
  for (let round = 0; round < 3; round++) {
    let start = performance.now();
    for (const { seed, seat } of tasks) {
      const seats =
        seat === 0 ? (["baseline2", "baseline1"] as const) : (["baseline1", "baseline2"] as const);
      if (playScripted(seats, seed).winner === seat && round === 0) baseline2Wins++;
    }
    scriptedMs += performance.now() - start;
    start = performance.now();
    for (const task of tasks) await runEpisode({ spec: cardgameSpec, backend, task, model });
    oracleMs += performance.now() - start;
  }
  const games = tasks.length * 3;
  rows.push({
    measure: "cardgame engine, baseline vs baseline",
    value: `${((games / scriptedMs) * 1000).toFixed(0)} games/s`,
    note: `baseline2 beats baseline1 in ${baseline2Wins}/${tasks.length} seeded games`,
  });
  rows.push({
    measure: "cardgame oracle game / baseline game",
    value: `${(oracleMs / scriptedMs).toFixed(1)}×`,
    note: `${(oracleMs / games).toFixed(2)} ms vs ${(scriptedMs / games).toFixed(3)} ms a game (prompts, decoding, one-move search)`,
  });

  const dir = mkdtempSync(join(tmpdir(), "bench-cardgame-"));
  const start = performance.now();
  const summary = await runEval({
    env: "cardgame",
    tasks: "agentbench-ext",
    model: "oracle",
    out: join(dir, "out"),
    progress: false,
  });
  const seconds = (performance.now() - start) / 1000;
  rmSync(dir, { recursive: true, force: true });
  rows.push({
    measure: "cardgame oracle, ext split (200 games) via runEval",
    value: `${summary.metrics.win_rate?.toFixed(1)}% won`,
    note: `${(summary.tasks / seconds).toFixed(1)} games/s at concurrency 4; baseline1 ${summary.metrics.win_rate_baseline1}%, baseline2 ${summary.metrics.win_rate_baseline2}%`,
  });
  writeResults("cardgame", {
    date: new Date().toISOString(),
    scriptedGamesPerSecond: (games / scriptedMs) * 1000,
    oracleGameMs: oracleMs / games,
    oracleOverScripted: oracleMs / scriptedMs,
    baseline2WinsOverBaseline1: baseline2Wins / tasks.length,
    evalGamesPerSecond: summary.tasks / seconds,
    oracle: summary.metrics,
  });
  return rows;
}
