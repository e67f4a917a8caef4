// A run on a BullMQ queue: 3 worker processes on 200 db tasks with a mock model, one killed with
// kill -9 mid-run; every task recorded exactly once, the metrics of a single-process run, and a re-run
// of the coordinator that finds everything done. Redis is Debian's redis-server on a loopback port.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisAvailable, startRedis, type TestRedis } from "../../test/helpers/redis.js";
import type { Message, Trajectory } from "../core/index.js";
import { generateTasksFile } from "../data/index.js";
import { getEnvSpec } from "../envs/index.js";
import { runEval } from "../eval/index.js";
import { type MockOpenAIServer, startMockOpenAIServer } from "../models/test-helpers/mock-openai-server.js";
import { queueStatus, redisConnection } from "./queue.js";

const dir = mkdtempSync(join(tmpdir(), "queue-"));
const cliMain = new URL("../cli/main.ts", import.meta.url).pathname;

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
    const spec = getEnvSpec("db");
    const known: { text: string; task: unknown; wrong: boolean }[] = [];
    let i = 0;
    for await (const task of spec.loadTasks(tasks))
      known.push({ text: spec.taskText(task), task, wrong: i++ % 4 === 3 });
    // a model of fixed latency: the oracle of the task in the conversation, wrong on every 4th
    model = await startMockOpenAIServer({
      delayMs: 20,
      reply: (request) => {
        const all = request.messages.map((m) => m.content).join("\n");
        const match = known.find((k) => all.includes(k.text));
        if (!match || match.wrong) return 'Action: Answer\nFinal Answer: ["no idea"]';
        const start = request.messages.findIndex((m) => m.content.includes(match.text));
        const messages = request.messages
          .slice(start)
          .map((m) => ({ role: m.role, content: m.content }) as Message);
        return spec.oracle(match.task).reply(messages);
      },
    });
  }, 60_000);
  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null) w.kill("SIGKILL");
    await model?.close();
    await redis?.close();
  });

  const startWorker = (queueName = "test") => {
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        cliMain,
        "worker",
        "--queue",
        redis.url,
        "--queue-name",
        queueName,
        "--concurrency",
        "4",
        "--lock-seconds",
        "2",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    workers.push(child);
    return child;
  };
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
    const run = runEval({
      env: "db",
      tasks,
      model: `${model.baseURL}#mock`,
      out,
      progress: false,
      queue: redis.url,
      queueName: "test",
    });
    // kill -9 one worker once a third of the episodes are in (it holds running episodes then)
    const deadline = Date.now() + 120_000;
    while (lines(results).length < 60 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(lines(results).length).toBeGreaterThanOrEqual(60);
    pool[0]?.kill("SIGKILL");
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
    const again = await runEval({
      env: "db",
      tasks,
      model: `${model.baseURL}#mock`,
      out,
      progress: false,
      queue: redis.url,
      queueName: "test",
    });
    expect(again.tasks).toBe(200);
    expect(lines(results)).toHaveLength(200);
    for (const w of pool.slice(1)) w.kill("SIGTERM");
  }, 240_000);

  it("holds a rate limit set on the queue across all workers", async () => {
    const pool = [startWorker("limited"), startWorker("limited"), startWorker("limited")];
    // the clock starts when every worker waits for jobs: only the limit can then hold the run back
    await Promise.all(
      pool.map(
        (child) =>
          new Promise<void>((resolve) => {
            let seen = "";
            child.stderr?.on("data", (chunk: Buffer) => {
              seen += chunk.toString();
              if (seen.includes("worker on")) resolve();
            });
          }),
      ),
    );
    try {
      // 12 episodes at 4 per 2 s window: whatever the 3 workers could do at once, at least 2 windows pass
      const start = Date.now();
      const summary = await runEval({
        env: "db",
        tasks,
        limit: 12,
        model: `${model.baseURL}#mock`,
        out: join(dir, "limited"),
        progress: false,
        queue: redis.url,
        queueName: "limited",
        rateLimit: 4,
        rateWindowMs: 2000,
      });
      expect(summary.tasks).toBe(12);
      expect(Date.now() - start).toBeGreaterThanOrEqual(4000);
    } finally {
      for (const w of pool) w.kill("SIGTERM");
    }
  }, 120_000);
});
