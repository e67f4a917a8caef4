// serve --openenv (bench/results/openenv.json): what the /ws wire adds to a step, measured side by side
// with the same session stepped in-process, and rollouts/s of 64 and 256 concurrent sessions whose
// "model" answers each turn after 50 ms, as a share of the ideal rate (every session busy only with
// its model). Client and server share this process, as a trainer on the same machine would.
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { generateTasksFile } from "../src/data/index.js";
import { getEnvSpec } from "../src/envs/index.js";
import { type Action, serveOpenEnv } from "../src/server/openenv/index.js";
import {
  type ObservationSource,
  openInProcess,
  playOracleEpisode,
  TestClient,
} from "../src/server/openenv/test-client.js";
import { type Row, writeResults } from "./table.js";

const modelLatencyMs = 50;
const roundTripEpisodes = 200;

/** Mean milliseconds per step over the recorded episodes (resets excluded). */
async function timeSteps(source: ObservationSource, episodes: { index: number; actions: Action[] }[]) {
  let ms = 0;
  let steps = 0;
  for (const { index, actions } of episodes) {
    await source.observe("reset", { index });
    for (const action of actions) {
      const started = performance.now();
      await source.observe("step", action);
      ms += performance.now() - started;
      steps++;
    }
  }
  return { msPerStep: ms / steps, steps };
}

async function roundTrip(env: string, file: string) {
  const { set, source: local, close } = await openInProcess(env, { env, tasks: file, capacity: 4 });
  const spec = getEnvSpec(env);
  // the oracle's actions, recorded once, then replayed on both paths
  const episodes: { index: number; actions: Action[] }[] = [];
  for (let index = 0; index < roundTripEpisodes; index++) {
    const task = set.tasks[index % set.tasks.length];
    const played = await playOracleEpisode(local, spec, task, { index: index % set.tasks.length });
    if (played.reward !== 1) throw new Error(`${env} oracle scored ${played.reward} on task ${index}`);
    episodes.push({ index: index % set.tasks.length, actions: played.actions as Action[] });
  }
  const running = await serveOpenEnv({ tasks: { [env]: { env, tasks: file, capacity: 4 } }, port: 0 });
  const client = await TestClient.connect(running.url);
  try {
    // warm both paths, then alternate them so machine load falls on both alike
    await timeSteps(local, episodes.slice(0, 20));
    await timeSteps(client, episodes.slice(0, 20));
    const inProcess = [];
    const wire = [];
    for (let round = 0; round < 3; round++) {
      inProcess.push((await timeSteps(local, episodes)).msPerStep);
      wire.push((await timeSteps(client, episodes)).msPerStep);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1] as number;
    const steps = episodes.reduce((n, e) => n + e.actions.length, 0);
    return { inProcessMs: median(inProcess), wsMs: median(wire), steps };
  } finally {
    await client.close();
    await running.close();
    await close();
  }
}

// The trainer's side, in its own thread (a trainer is its own process): `sessions` sockets, each
// playing its episodes with the recorded oracle actions, waiting the model's latency before each step.
const trainerSource = `
const { parentPort, workerData } = require("node:worker_threads");
const WebSocket = require(workerData.ws);
const { url, sessions, episodes, plans, latencyMs } = workerData;
const wait = () => new Promise((done) => setTimeout(done, latencyMs));
function connect() {
  const ws = new WebSocket(url);
  const waiters = [];
  ws.on("message", (data) => waiters.shift()(JSON.parse(String(data))));
  const request = (type, data) =>
    new Promise((resolve) => { waiters.push(resolve); ws.send(JSON.stringify({ type, data })); });
  return new Promise((resolve, reject) => {
    ws.once("open", () => resolve({ ws, request }));
    ws.once("error", reject);
  });
}
(async () => {
  const clients = await Promise.all(Array.from({ length: sessions }, connect));
  const started = performance.now();
  let rewardSum = 0;
  let idealMs = 0;
  let failures = 0;
  await Promise.all(clients.map(async (client, c) => {
    let modelMs = 0;
    for (let e = 0; e < episodes; e++) {
      const index = (c * episodes + e) % plans.length;
      await client.request("reset", { index });
      let last;
      for (const action of plans[index]) {
        await wait();
        modelMs += latencyMs;
        last = await client.request("step", action);
      }
      if (last.type !== "observation") failures++;
      else rewardSum += last.data.reward ?? 0;
    }
    idealMs = Math.max(idealMs, modelMs);
    client.ws.close();
  }));
  parentPort.postMessage({ ms: performance.now() - started, idealMs, rewardSum, failures });
})().catch((error) => parentPort.postMessage({ error: String(error) }));
`;

interface TrainerReport {
  ms: number;
  idealMs: number;
  rewardSum: number;
  failures: number;
  error?: string;
}

/** `sessions` sockets each play `episodes` alfworld episodes against a 50 ms model. */
async function rollouts(file: string, sessions: number, episodes: number) {
  const env = "alfworld";
  const { set, source: local, close } = await openInProcess(env, { env, tasks: file, capacity: 4 });
  const spec = getEnvSpec(env);
  const plans: Action[][] = [];
  for (let index = 0; index < set.tasks.length; index++)
    plans.push((await playOracleEpisode(local, spec, set.tasks[index], { index })).actions as Action[]);
  await close();
  const running = await serveOpenEnv({
    tasks: { [env]: { env, tasks: file, capacity: 4 } },
    port: 0,
    maxConcurrentEnvs: sessions,
  });
  try {
    const trainer = new Worker(trainerSource, {
      eval: true,
      workerData: {
        ws: createRequire(import.meta.url).resolve("ws"),
        url: `${running.url.replace(/^http/, "ws")}/ws`,
        sessions,
        episodes,
        plans,
        latencyMs: modelLatencyMs,
      },
    });
    const report = await new Promise<TrainerReport>((resolve, reject) => {
      trainer.once("message", resolve);
      trainer.once("error", reject);
    });
    await trainer.terminate();
    if (report.error) throw new Error(`trainer thread: ${report.error}`);
    const total = sessions * episodes;
    // ideal: every session's time is its model's; the run lasts as long as its slowest session
    return {
      sessions,
      episodes: total,
      seconds: report.ms / 1000,
      rolloutsPerSecond: (total * 1000) / report.ms,
      idealRolloutsPerSecond: (total * 1000) / report.idealMs,
      share: report.idealMs / report.ms,
      meanReward: report.rewardSum / total,
      failures: report.failures,
    };
  } finally {
    await running.close();
  }
}

export async function benchOpenenv(): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), "bench-openenv-"));
  try {
    const files: Record<string, string> = {};
    for (const env of ["alfworld", "db"]) {
      files[env] = join(dir, `${env}.jsonl`);
      await generateTasksFile({ env, count: 40, seed: 5, out: files[env] as string });
    }
    const trips = {
      alfworld: await roundTrip("alfworld", files.alfworld as string),
      db: await roundTrip("db", files.db as string),
    };
    const loads = [];
    for (const sessions of [64, 256]) loads.push(await rollouts(files.alfworld as string, sessions, 8));
    writeResults("openenv", { date: new Date().toISOString(), modelLatencyMs, roundTrip: trips, loads });
    const rows: Row[] = Object.entries(trips).map(([env, t]) => {
      const budget = 1.5 * t.inProcessMs + 0.2;
      return {
        measure: `openenv /ws step, ${env}`,
        value: `${(t.wsMs * 1000).toFixed(0)} µs`,
        note: `in-process ${(t.inProcessMs * 1000).toFixed(0)} µs (${(t.wsMs / t.inProcessMs).toFixed(2)}×, +${((t.wsMs - t.inProcessMs) * 1000).toFixed(0)} µs); target 1.5× + 0.2 ms = ${(budget * 1000).toFixed(0)} µs; median of 3 × ${t.steps} oracle steps`,
      };
    });
    for (const l of loads)
      rows.push({
        measure: `openenv rollouts, ${l.sessions} sessions, ${modelLatencyMs} ms model`,
        value: `${l.rolloutsPerSecond.toFixed(1)} rollouts/s`,
        note: `${(100 * l.share).toFixed(1)}% of the ideal ${l.idealRolloutsPerSecond.toFixed(1)}/s (${l.episodes} alfworld episodes in ${l.seconds.toFixed(1)} s, mean reward ${l.meanReward.toFixed(2)})`,
      });
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
