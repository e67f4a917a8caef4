// ALFWorld: steps/s of the world model, memory per live game, and 1,000 concurrent games
// (bench/results/alfworld.json).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { oracleModel } from "../src/agent/index.js";
import { type Game, generateGame, planGame } from "../src/envs/alfworld/games.js";
import { alfworldSpec } from "../src/envs/alfworld/spec.js";
import { taskTypes, World } from "../src/envs/alfworld/world.js";
import { runTasks } from "../src/runner/index.js";
import { type Row, writeResults } from "./table.js";

export async function benchAlfworld(): Promise<Row[]> {
  const games = Array.from({ length: 1000 }, (_, i) =>
    generateGame(taskTypes[i % taskTypes.length] as (typeof taskTypes)[number], i),
  );
  // steps/s: each game's oracle plan plus its admissible-command list at every step
  let steps = 0;
  let start = performance.now();
  for (const game of games) {
    const world = new World(structuredClone(game.state));
    for (const command of planGame(game)) {
      world.admissibleCommands();
      world.step(command);
      steps++;
    }
  }
  const stepsPerSecond = steps / ((performance.now() - start) / 1000);
  // memory per live game
  global.gc?.();
  const before = process.memoryUsage().heapUsed;
  const live = games.map((g) => new World(structuredClone(g.state)));
  global.gc?.();
  const perGameKb = (process.memoryUsage().heapUsed - before) / live.length / 1024;
  if (live.length === 0) throw new Error("unreachable"); // keeps the worlds alive until measured
  // 1,000 concurrent games through the protocol with the oracle
  const backend = await alfworldSpec.open();
  const outDir = mkdtempSync(join(tmpdir(), "bench-alf-"));
  start = performance.now();
  const summary = await runTasks({
    spec: alfworldSpec,
    backend,
    tasks: games as Game[],
    model: oracleModel(alfworldSpec),
    outDir,
    concurrency: 1000,
  });
  const seconds = (performance.now() - start) / 1000;
  rmSync(outDir, { recursive: true, force: true });
  writeResults("alfworld", {
    date: new Date().toISOString(),
    stepsPerSecond,
    perGameKb,
    concurrent: { games: 1000, seconds, successRate: summary.successRate },
  });
  return [
    {
      measure: "alfworld world model",
      value: `${Math.round(stepsPerSecond).toLocaleString("en")} steps/s`,
      note: `${steps} oracle steps over 1,000 games, with the admissible commands at each`,
    },
    {
      measure: "alfworld memory per live game",
      value: `${perGameKb.toFixed(1)} KiB`,
      note: "heap growth for 1,000 live worlds",
    },
    {
      measure: "alfworld 1,000 concurrent games",
      value: `${(1000 / seconds).toFixed(0)} games/s`,
      note: `${seconds.toFixed(2)} s through the protocol, success ${(100 * summary.successRate).toFixed(0)}%`,
    },
  ];
}
