// The runner's own overhead (bench/results/runner.json): alfworld episodes (an in-process env, so the
// env's backend is not what is measured) with a mock model of fixed 50 ms latency, at concurrency
// 128 and 512, against the ideal: the same episodes, in the same order, on the same number of slots,
// with nothing but the model's time (a zero-overhead list schedule). Episodes differ in turns, so
// concurrency / (turns × latency) would count the run's tail as overhead.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { oracleModel } from "../src/agent/index.js";
import { type Game, generateGame } from "../src/envs/alfworld/games.js";
import { alfworldSpec } from "../src/envs/alfworld/spec.js";
import { taskTypes } from "../src/envs/alfworld/world.js";
import type { ChatModel } from "../src/models/index.js";
import { runTasks } from "../src/runner/index.js";
import { type Row, writeResults } from "./table.js";

const latencyMs = 50;
const episodes = 2048;

/** The makespan of `durations` taken in order by `slots` workers, each starting the next at once. */
function listSchedule(durations: readonly number[], slots: number): number {
  const free = new Array<number>(Math.min(slots, durations.length)).fill(0);
  for (const d of durations) {
    let earliest = 0;
    for (let i = 1; i < free.length; i++) if ((free[i] as number) < (free[earliest] as number)) earliest = i;
    free[earliest] = (free[earliest] as number) + d;
  }
  return Math.max(...free);
}

export async function benchRunner(): Promise<Row[]> {
  const games = Array.from({ length: episodes }, (_, i) =>
    generateGame(taskTypes[i % taskTypes.length] as (typeof taskTypes)[number], i),
  );
  const oracle = oracleModel(alfworldSpec);
  const backend = await alfworldSpec.open();
  const rows: Row[] = [];
  const measured: Record<string, unknown> = {};
  for (const concurrency of [128, 512]) {
    const calls = new Map<string, number>();
    const model: ChatModel = {
      id: "mock-50ms",
      complete: async () => ({ text: "" }),
      forEpisode: async (ctx) => {
        const inner = (await oracle.forEpisode?.(ctx)) as ChatModel;
        calls.set(ctx.taskId, 0);
        return {
          id: "mock-50ms",
          complete: async (messages) => {
            calls.set(ctx.taskId, (calls.get(ctx.taskId) ?? 0) + 1);
            await new Promise((done) => setTimeout(done, latencyMs));
            return inner.complete(messages);
          },
        };
      },
    };
    const outDir = mkdtempSync(join(tmpdir(), "bench-runner-"));
    const elu = performance.eventLoopUtilization();
    const start = performance.now();
    await runTasks({ spec: alfworldSpec, backend, tasks: games as Game[], model, outDir, concurrency });
    const seconds = (performance.now() - start) / 1000;
    const busy = performance.eventLoopUtilization(elu).utilization;
    rmSync(outDir, { recursive: true, force: true });
    const durations = games.map((g) => (calls.get(alfworldSpec.taskId(g)) ?? 0) * latencyMs);
    const idealSeconds = listSchedule(durations, concurrency) / 1000;
    const turns = durations.reduce((a, b) => a + b, 0) / latencyMs / episodes;
    measured[concurrency] = {
      seconds,
      idealSeconds,
      share: idealSeconds / seconds,
      eventLoopBusy: busy,
      turns,
    };
    rows.push({
      measure: `runner, alfworld, concurrency ${concurrency}, ${latencyMs} ms model`,
      value: `${(episodes / seconds).toFixed(0)} episodes/s`,
      note: `${((100 * idealSeconds) / seconds).toFixed(1)}% of the ideal schedule (${idealSeconds.toFixed(2)} s for ${episodes} episodes of ${turns.toFixed(1)} turns); event loop ${(100 * busy).toFixed(0)}% busy`,
    });
  }
  await backend.close();
  writeResults("runner", { date: new Date().toISOString(), latencyMs, episodes, measured });
  return rows;
}
