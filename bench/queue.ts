// A queued run (bench/results/queue.json): episodes per second with 1, 2 and 4 worker processes, each
// running one episode at a time, then 32, against a mock model of fixed latency, as a share of the ideal
// rate (workers × episodes at a time / latency). Needs Debian's redis-server; skipped without it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateTasksFile } from "../src/data/index.js";
import { runEval } from "../src/eval/index.js";
import { startMockOpenAIServer } from "../src/models/test-helpers/mock-openai-server.js";
import { startQueueWorker } from "../test/helpers/queue-worker.js";
import { redisAvailable, startRedis } from "../test/helpers/redis.js";
import { type Row, writeResults } from "./table.js";

const latencyMs = 100;
/** Per series: one episode at a time per worker, then 32 at a time (a rollout worker's usual load). */
const series = [
  { perWorker: 1, episodes: 120 },
  { perWorker: 32, episodes: 1_920 },
];

export async function benchQueue(): Promise<Row[]> {
  if (!redisAvailable) return [{ measure: "queue", value: "skipped", note: "no redis-server" }];
  const dir = mkdtempSync(join(tmpdir(), "bench-queue-"));
  const redis = await startRedis();
  // one model call per episode: an answer at once (db's episode ends on it)
  const model = await startMockOpenAIServer({
    delayMs: latencyMs,
    reply: () => 'Action: Answer\nFinal Answer: ["x"]',
  });
  const rows: Row[] = [];
  const measured: Record<string, { episodesPerSecond: number; ideal: number; share: number }> = {};
  try {
    for (const { perWorker, episodes } of series) {
      const tasks = join(dir, `db-${episodes}.jsonl`);
      await generateTasksFile({ env: "db", count: episodes, seed: 3, out: tasks });
      for (const workers of [1, 2, 4]) {
        const queueName = `bench-${workers}-${perWorker}`;
        const pool = Array.from({ length: workers }, () =>
          startQueueWorker(redis.url, queueName, { concurrency: perWorker }),
        );
        await Promise.all(pool.map((w) => w.ready));
        const start = performance.now();
        await runEval({
          env: "db",
          tasks,
          model: `${model.baseURL}#mock`,
          out: join(dir, `out-${workers}-${perWorker}`),
          progress: false,
          queue: redis.url,
          queueName,
        });
        const seconds = (performance.now() - start) / 1000;
        for (const w of pool) w.child.kill("SIGTERM");
        const rate = episodes / seconds;
        const ideal = (workers * perWorker * 1000) / latencyMs;
        measured[`${workers}x${perWorker}`] = { episodesPerSecond: rate, ideal, share: rate / ideal };
        rows.push({
          measure: `queue: ${workers} worker process${workers > 1 ? "es" : ""} × ${perWorker} at a time, ${latencyMs} ms model`,
          value: `${rate.toFixed(1)} episodes/s`,
          note: `${((100 * rate) / ideal).toFixed(0)}% of the ideal ${ideal} episodes/s (${episodes} db episodes)`,
        });
      }
    }
  } finally {
    await model.close();
    await redis.close();
    rmSync(dir, { recursive: true, force: true });
  }
  writeResults("queue", { date: new Date().toISOString(), latencyMs, series, measured });
  return rows;
}
