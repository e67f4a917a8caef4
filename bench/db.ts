// The db env against raw SQLite, and the runner against the ideal throughput (bench/results/db.json).
// Timings are ratios measured side by side in one run.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { oracleModel } from "../src/agent/index.js";
import { DbEnvironment } from "../src/envs/db/env.js";
import { generateDbTasks } from "../src/envs/db/generate.js";
import { findMariadbd } from "../src/envs/db/mariadb-server.js";
import { dbSpec } from "../src/envs/db/spec.js";
import { createSqliteBackend, type TwoLaneSqliteDatabase } from "../src/envs/db/sqlite-backend.js";
import type { DbTask } from "../src/envs/db/tasks.js";
import type { ChatModel } from "../src/models/index.js";
import { runTasks } from "../src/runner/index.js";

import { type Row, writeResults } from "./table.js";

export async function benchDb(): Promise<Row[]> {
  const rows: Row[] = [];
  const results: Record<string, unknown> = { date: new Date().toISOString(), node: process.version };

  async function timeIt(n: number, fn: () => unknown | Promise<unknown>): Promise<number> {
    for (let i = 0; i < Math.min(2000, n); i++) await fn(); // warm-up (and the JIT's)
    // each side starts with a clean heap, not paying for the garbage the other side left (npm run
    // bench passes --expose-gc)
    (globalThis as { gc?: () => void }).gc?.();
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await fn();
    return Number(process.hrtime.bigint() - start) / 1e3 / n; // µs per op
  }

  const tasks: DbTask[] = [];
  for await (const task of generateDbTasks({ count: 1024, seed: 42 })) tasks.push(task);
  const task = tasks.find((t) => t.type[0] === "comparison") as DbTask;
  const query = task.sql?.query ?? "";

  // 1. one DB step (parse action, translate MySQL → SQLite, run, render Python repr) vs the raw query,
  // with the statement on the run's thread (the default) and with every statement in a worker process
  {
    const replyWith = (sql: string) => `Thought: look it up.\nAction: Operation\n\`\`\`sql\n${sql}\n\`\`\``;
    const reply = replyWith(query);
    const raw = new Database(":memory:");
    const { table_name, table_info } = task.table;
    const q = (s: string) => `"${s.replaceAll('"', '""')}"`;
    raw.exec(
      `CREATE TABLE ${q(table_name)} (${table_info.columns.map((c) => `${q(c.name)} TEXT`).join(", ")})`,
    );
    const insert = raw.prepare(
      `INSERT INTO ${q(table_name)} VALUES (${table_info.columns.map(() => "?").join(",")})`,
    );
    for (const row of table_info.rows) insert.run(row);
    const rawSql = query.replaceAll("`", '"');
    const lanes = [
      { name: "thread", backend: createSqliteBackend() },
      { name: "worker", backend: createSqliteBackend({ inThread: false }) },
    ];
    const dbs = await Promise.all(lanes.map((l) => l.backend.openTask(task.table)));
    // no round limit: every step must run its SQL
    const envs = dbs.map((db) => new DbEnvironment(task, db, Number.POSITIVE_INFINITY));
    for (const env of envs) await env.reset();
    const n = 20_000;
    // side by side, alternating, so all see the same machine state
    // (the worker lane in rounds of its own: its processes' IPC would slow the thread lane's rounds)
    const us = { raw: 0, thread: 0, worker: 0, rawBesideWorker: 0 };
    for (let round = 0; round < 4; round++) {
      us.raw += (await timeIt(n / 4, () => raw.prepare(rawSql).all())) / 4;
      us.thread += (await timeIt(n / 4, () => envs[0]?.step(reply))) / 4;
    }
    // statements seen for the first time (their text is new, so nothing about it is remembered):
    // each carries its own trailing comment, which both sides read and SQLite drops, so the work and
    // the result are the same as the repeated statement's
    let seen = 0;
    const fresh = { raw: 0, thread: 0 };
    for (let round = 0; round < 4; round++) {
      fresh.raw += (await timeIt(n / 4, () => raw.prepare(`${rawSql} -- ${seen++}`).all())) / 4;
      fresh.thread += (await timeIt(n / 4, () => envs[0]?.step(replyWith(`${query} -- ${seen++}`)))) / 4;
    }
    for (let round = 0; round < 4; round++) {
      us.rawBesideWorker += (await timeIt(n / 8, () => raw.prepare(rawSql).all())) / 4;
      us.worker += (await timeIt(n / 8, () => envs[1]?.step(reply))) / 4;
    }
    for (const [i, env] of envs.entries()) {
      const check = await env.step(reply);
      if (check.done || !check.observation.startsWith("["))
        throw new Error(`bench: step did not run its SQL: ${check.observation}`);
      if (i === 0 && (dbs[0] as TwoLaneSqliteDatabase).lane !== "thread")
        throw new Error(
          `bench: the in-thread step moved to a worker: ${(dbs[0] as TwoLaneSqliteDatabase).movedBecause}`,
        );
      await env.close();
    }
    for (const l of lanes) await l.backend.close();
    raw.close();
    results.step = {
      stepUs: us.thread,
      workerStepUs: us.worker,
      rawUs: us.raw,
      ratio: us.thread / us.raw,
      rawBesideWorkerUs: us.rawBesideWorker,
      workerRatio: us.worker / us.rawBesideWorker,
      firstSeenStepUs: fresh.thread,
      firstSeenRawUs: fresh.raw,
      firstSeenRatio: fresh.thread / fresh.raw,
      query,
    };
    rows.push({
      measure: "db step (sqlite, statement on the run's thread)",
      value: `${us.thread.toFixed(1)} µs`,
      note: `${(us.thread / us.raw).toFixed(2)}× a raw better-sqlite3 prepare+all (${us.raw.toFixed(1)} µs)`,
    });
    rows.push({
      measure: "db step (sqlite, on the run's thread, a statement never seen before)",
      value: `${fresh.thread.toFixed(1)} µs`,
      note: `${(fresh.thread / fresh.raw).toFixed(2)}× the raw call on the same new texts (${fresh.raw.toFixed(1)} µs)`,
    });
    rows.push({
      measure: "db step (sqlite, statement in a worker process)",
      value: `${us.worker.toFixed(1)} µs`,
      note: `${(us.worker / us.rawBesideWorker).toFixed(2)}× the raw call (${us.rawBesideWorker.toFixed(1)} µs in the same rounds)`,
    });
  }

  // 2. env create + reset (table built from table_info), SQLite and, where installed, MariaDB
  for (const name of findMariadbd() ? ["sqlite", "mariadb"] : ["sqlite"]) {
    const backend = await dbSpec.open({ backend: name });
    const n = name === "sqlite" ? 2_000 : 100;
    let i = 0;
    const us = await timeIt(n, async () => {
      const env = await backend.create(tasks[i++ % tasks.length] as DbTask);
      await env.reset();
      await env.close();
    });
    results[`createReset_${name}`] = { us };
    rows.push({
      measure: `env create+reset+close (${name})`,
      value: `${(us / 1000).toFixed(2)} ms`,
      note: `${tasks[0]?.table.table_info.rows.length ?? 0}-row tables, ${n} episodes`,
    });
    await backend.close();
  }

  // 3. episodes/s with a mock model of fixed 50 ms latency vs the ideal concurrency / (turns × latency)
  {
    const latencyMs = 50;
    const oracle = oracleModel(dbSpec);
    const slow: ChatModel = {
      id: "mock-50ms",
      complete: async () => ({ text: "" }),
      forEpisode: async (ctx) => {
        const inner = (await oracle.forEpisode?.(ctx)) as ChatModel;
        return {
          id: "mock-50ms",
          complete: async (messages) => {
            await new Promise((r) => setTimeout(r, latencyMs));
            return inner.complete(messages);
          },
        };
      },
    };
    const throughput: Record<string, unknown> = {};
    // one backend for all levels, warmed first: its worker processes start once per run, as in a real run
    const backend = await dbSpec.open({ backend: "sqlite" });
    const warmDir = mkdtempSync(join(tmpdir(), "bench-"));
    await runTasks({
      spec: dbSpec,
      backend,
      tasks: tasks.slice(0, 64),
      model: oracle,
      outDir: warmDir,
      concurrency: 64,
    });
    rmSync(warmDir, { recursive: true, force: true });
    for (const concurrency of [1, 16, 128]) {
      const subset = tasks.slice(0, concurrency === 1 ? 20 : concurrency * 8);
      const outDir = mkdtempSync(join(tmpdir(), "bench-"));
      const start = performance.now();
      const summary = await runTasks({
        spec: dbSpec,
        backend,
        tasks: subset,
        model: slow,
        outDir,
        concurrency,
      });
      const seconds = (performance.now() - start) / 1000;
      const turns = summary.metrics.avg_rounds ?? 2;
      const ideal = concurrency / ((turns * latencyMs) / 1000);
      const achieved = subset.length / seconds;
      throughput[concurrency] = {
        episodes: subset.length,
        seconds,
        achieved,
        ideal,
        efficiency: achieved / ideal,
      };
      rows.push({
        measure: `episodes/s at concurrency ${concurrency}`,
        value: achieved.toFixed(1),
        note: `ideal ${ideal.toFixed(1)} (${turns.toFixed(2)} turns × ${latencyMs} ms): ${((100 * achieved) / ideal).toFixed(1)}%`,
      });
      rmSync(outDir, { recursive: true, force: true });
    }
    await backend.close();
    results.throughput = throughput;
  }

  writeResults("db", results);
  return rows;
}
