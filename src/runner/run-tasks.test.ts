import { appendFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { oracleModel } from "../agent/index.js";
import { type EchoTask, echoSpec } from "../agent/test-env.js";
import type { ChatModel } from "../models/index.js";
import { runTasks } from "./run-tasks.js";

const tasks: EchoTask[] = Array.from({ length: 10 }, (_, i) => ({ id: `t${i}`, secret: `w${i}` }));
const freshDir = () => mkdtempSync(join(tmpdir(), "run-"));
const lines = (dir: string) => readFileSync(join(dir, "results.jsonl"), "utf8").trim().split("\n");

describe("runTasks", () => {
  it("runs every task, writes results.jsonl and summary.json", async () => {
    const outDir = freshDir();
    const backend = await echoSpec.open();
    const summary = await runTasks({ spec: echoSpec, backend, tasks, model: oracleModel(echoSpec), outDir });
    expect(summary).toMatchObject({
      env: "echo",
      model: "oracle",
      tasks: 10,
      successRate: 1,
      complete: true,
    });
    expect(summary.metrics).toEqual({ accuracy: 1 });
    expect(lines(outDir)).toHaveLength(10);
    expect(JSON.parse(readFileSync(join(outDir, "summary.json"), "utf8")).tasks).toBe(10);
  });

  it("resumes: finished ids are skipped and a torn last line is dropped", async () => {
    const outDir = freshDir();
    const backend = await echoSpec.open();
    let calls = 0;
    const model: ChatModel = {
      id: "oracle",
      complete: async () => ({ text: "" }),
      forEpisode: (ctx) => {
        calls++;
        return oracleModel(echoSpec).forEpisode?.(ctx) as ChatModel;
      },
    };
    await runTasks({ spec: echoSpec, backend, tasks: tasks.slice(0, 4), model, outDir });
    appendFileSync(join(outDir, "results.jsonl"), '{"id":"echo/t4/0","env":"ec'); // a crash mid-write
    calls = 0;
    const summary = await runTasks({ spec: echoSpec, backend, tasks, model, outDir });
    expect(calls).toBe(6);
    expect(summary.tasks).toBe(10);
    expect(lines(outDir).map((l) => JSON.parse(l).taskId)).toHaveLength(10);
  });

  it("keeps at most `concurrency` episodes in flight", async () => {
    let inFlight = 0;
    let peak = 0;
    const model: ChatModel = {
      id: "slow",
      complete: async () => ({ text: "" }),
      forEpisode: ({ task }) => ({
        id: "slow",
        complete: async () => {
          peak = Math.max(peak, ++inFlight);
          await new Promise((r) => setTimeout(r, 10));
          inFlight--;
          return { text: `guess: ${(task as EchoTask).secret}` };
        },
      }),
    };
    await runTasks({
      spec: echoSpec,
      backend: await echoSpec.open(),
      tasks,
      model,
      outDir: freshDir(),
      concurrency: 3,
    });
    expect(peak).toBe(3);
  });

  it("on abort, records finished episodes only and marks the summary incomplete", async () => {
    const controller = new AbortController();
    const outDir = freshDir();
    let started = 0;
    const model: ChatModel = {
      id: "slow",
      complete: async () => ({ text: "" }),
      forEpisode: ({ task }) => ({
        id: "slow",
        complete: async () => {
          if (++started === 3) controller.abort();
          await new Promise((r) => setTimeout(r, 5));
          return { text: `guess: ${(task as EchoTask).secret}` };
        },
      }),
    };
    const summary = await runTasks({
      spec: echoSpec,
      backend: await echoSpec.open(),
      tasks,
      model,
      outDir,
      concurrency: 1,
      signal: controller.signal,
    });
    expect(summary.complete).toBe(false);
    expect(summary.tasks).toBe(2);
    expect(lines(outDir)).toHaveLength(2);
  });

  it("refuses to mix models in one output dir", async () => {
    const outDir = freshDir();
    const backend = await echoSpec.open();
    await runTasks({
      spec: echoSpec,
      backend,
      tasks: tasks.slice(0, 1),
      model: oracleModel(echoSpec),
      outDir,
    });
    const other: ChatModel = { id: "other", complete: async () => ({ text: "" }) };
    await expect(runTasks({ spec: echoSpec, backend, tasks, model: other, outDir })).rejects.toThrow(
      /results\.jsonl:1: model: holds results of "oracle"/,
    );
  });
});
