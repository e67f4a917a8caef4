// A run on a BullMQ queue: 3 worker processes on 200 db tasks with a mock model, one killed with
// kill -9 mid-run; every task recorded exactly once, the metrics of a single-process run, and a re-run
// of the coordinator that finds everything done; a rate limit held across workers; failed jobs retried
// by a re-run. Redis is Debian's redis-server on a loopback port.
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startQueueWorker } from "../../test/helpers/queue-worker.js";
import { redisAvailable, startRedis, type TestRedis } from "../../test/helpers/redis.js";
import { knownTasks, taskOracleReply } from "../../test/helpers/task-oracle.js";
import type { Trajectory } from "../core/index.js";
import { generateTasksFile } from "../data/index.js";
import { type RunEvalOptions, runEval } from "../eval/index.js";
import { type MockOpenAIServer, startMockOpenAIServer } from "../models/test-helpers/mock-openai-server.js";
import { queueStatus, redisConnection } from "./queue.js";

const dir = mkdtempSync(join(tmpdir(), "queue-"));

describe("queue URLs", () => {
  it("reads redis://host:port/db, and refuses anything else in one line", () => {
    expect(redisConnection("redis://127.0.0.1:6380/2")).toMatchObject({
      host: "127.0.0.1",
      port: 6380,
      db: 2,
    });
    expect(redisConnection("redis://:secret@cache:6379")).toMatchObject({
      host: "cache",
      db: 0,
      password: "secret",
    });
    expect(() => redisConnection("http://x:1/0")).toThrow(/expected redis:\/\/host:port\/db/);
    expect(() => redisConnection("redis://x:1/main")).toThrow(/the database \(main\) must be a number/);
  });
  it("says in one line that Redis does not answer, for the coordinator and for status, and lets go", async () => {
    // port 1: nothing listens; ioredis would retry for ever
    const down = "redis://127.0.0.1:1/0";
    await Promise.all([
      expect(queueStatus({ url: down })).rejects.toThrow(
        /^--queue redis:\/\/127\.0\.0\.1:1\/0: cannot reach Redis \(no answer in 10 s\)$/,
      ),
      expect(
        runEval({
          env: "db",
          tasks: "test/fixtures/dbbench-sample.jsonl",
          model: "oracle",
          out: join(dir, "down"),
          progress: false,
          queue: down,
        }),
      ).rejects.toThrow(/cannot reach Redis \(no answer in 10 s\)/),
    ]);
  }, 60_000);
});

describe.skipIf(!redisAvailable)("a run on worker processes", () => {
  let redis: TestRedis;
  let model: MockOpenAIServer;
  let tasks: string;
  const workers: ChildProcess[] = [];
  beforeAll(async () => {
    redis = await startRedis();
    tasks = join(dir, "db-200.jsonl");
    await generateTasksFile({ env: "db", count: 200, seed: 11, out: tasks });
    // a model of fixed latency: the oracle of the task in the conversation, wrong on every 4th
    const known = await knownTasks("db", tasks, (i) => i % 4 === 3);
    model = await startMockOpenAIServer({
      delayMs: 20,
      reply: taskOracleReply(known, 'Action: Answer\nFinal Answer: ["no idea"]'),
    });
  }, 60_000);
  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null) w.kill("SIGKILL");
    await model?.close();
    await redis?.close();
  });

  const startWorker = (queueName = "test") => {
    const worker = startQueueWorker(redis.url, queueName, { concurrency: 4, lockSeconds: 2 });
    workers.push(worker.child);
    return worker;
  };
  /** The coordinator of a run on the queue `queueName`. */
  const queued = (out: string, queueName: string, options: Partial<RunEvalOptions> = {}) =>
    runEval({
      env: "db",
      tasks,
      model: `${model.baseURL}#mock`,
      out,
      progress: false,
      queue: redis.url,
      queueName,
      ...options,
    });
  const lines = (file: string) =>
    existsSync(file)
      ? readFileSync(file, "utf8")
          .split("\n")
          .filter((l) => l.trim())
          .map((l) => JSON.parse(l) as Trajectory)
      : [];

  it("records every task exactly once with the single-process metrics, though a worker was killed", async () => {
    const single = await runEval({
      env: "db",
      tasks,
      model: `${model.baseURL}#mock`,
      out: join(dir, "single"),
      progress: false,
    });
    expect(single.tasks).toBe(200);

    const pool = [startWorker(), startWorker(), startWorker()];
    const out = join(dir, "queued");
    const results = join(out, "results.jsonl");
    const run = queued(out, "test");
    // kill -9 one worker once a third of the episodes are in (it holds running episodes then)
    const deadline = Date.now() + 120_000;
    while (lines(results).length < 60 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(lines(results).length).toBeGreaterThanOrEqual(60);
    pool[0]?.child.kill("SIGKILL");
    const summary = await run;

    const recorded = lines(results);
    expect(recorded).toHaveLength(200);
    expect(new Set(recorded.map((t) => t.id)).size).toBe(200);
    expect(summary).toMatchObject({ tasks: 200, complete: true });
    expect(summary.metrics).toEqual(single.metrics);
    expect(summary.successRate).toBe(single.successRate);
    expect(await queueStatus({ url: redis.url, name: "test" })).toMatchObject({
      completed: 200,
      failed: 0,
      active: 0,
      waiting: 0,
    });
    // the killed worker's running episodes went back to the queue when their locks expired, and ran again
    const queue = new Queue("test", { connection: redisConnection(redis.url) });
    const completed = await queue.getJobs(["completed"], 0, -1);
    await queue.close();
    expect(
      completed.filter((job) => (job.stalledCounter ?? 0) > 0 || job.attemptsStarted > 1).length,
    ).toBeGreaterThan(0);

    // the coordinator again: everything is done, nothing is queued twice
    const again = await queued(out, "test");
    expect(again.tasks).toBe(200);
    expect(lines(results)).toHaveLength(200);
    for (const w of pool.slice(1)) w.child.kill("SIGTERM");
  }, 240_000);

  it("holds a rate limit set on the queue across all workers", async () => {
    const pool = [startWorker("limited"), startWorker("limited"), startWorker("limited")];
    // the clock starts when every worker waits for jobs: only the limit can then hold the run back
    await Promise.all(pool.map((w) => w.ready));
    try {
      // 12 episodes at 4 per 2 s window: whatever the 3 workers could do at once, at least 2 windows pass
      const start = Date.now();
      const summary = await queued(join(dir, "limited"), "limited", {
        limit: 12,
        rateLimit: 4,
        rateWindowMs: 2000,
      });
      expect(summary.tasks).toBe(12);
      expect(Date.now() - start).toBeGreaterThanOrEqual(4000);
    } finally {
      for (const w of pool) w.child.kill("SIGTERM");
    }
  }, 120_000);

  it("tries the jobs of a failed run again when the coordinator runs again", async () => {
    // a model server that is not there yet: every job fails its attempts
    const down = await startMockOpenAIServer();
    const port = Number(new URL(down.baseURL).port);
    await down.close();
    const worker = startWorker("retried");
    await worker.ready;
    try {
      const out = join(dir, "retried");
      const options = {
        limit: 2,
        model: `http://127.0.0.1:${port}/v1#mock`,
        modelOptions: { maxRetries: 0 },
      };
      const failed = await queued(out, "retried", options);
      expect(failed.incomplete?.pending).toBe(2);
      expect(await queueStatus({ url: redis.url, name: "retried" })).toMatchObject({ failed: 2 });
      // the server comes back at its address: the re-run replaces the failed jobs and finishes
      const up = await startMockOpenAIServer({ port, reply: () => 'Action: Answer\nFinal Answer: ["x"]' });
      try {
        const again = await queued(out, "retried", options);
        expect(again).toMatchObject({ tasks: 2, complete: true });
        expect(await queueStatus({ url: redis.url, name: "retried" })).toMatchObject({
          failed: 0,
          completed: 2,
        });
      } finally {
        await up.close();
      }
    } finally {
      worker.child.kill("SIGTERM");
    }
  }, 120_000);
});
