import { spawn } from "node:child_process";
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { oracleModel } from "../agent/index.js";
import { type EchoTask, echoSpec } from "../agent/test-env.js";
import { ModelError } from "../core/index.js";
import type { ChatModel } from "../models/index.js";
import { ScriptedModel } from "../models/scripted-model.js";
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

  it("lets every episode in flight listen to the run's signal without a listener warning", async () => {
    const concurrency = 16;
    let inFlight = 0;
    let allIn: () => void = () => {};
    const together = new Promise<void>((resolve) => {
      allIn = resolve;
    });
    const model: ChatModel = {
      id: "listening",
      complete: async () => ({ text: "" }),
      forEpisode: ({ task }) => ({
        id: "listening",
        // as the OpenAI client does: a listener on the signal for the request's lifetime
        complete: async (_messages, options) => {
          const onAbort = () => {};
          options?.signal?.addEventListener("abort", onAbort);
          if (++inFlight === concurrency) allIn();
          await together;
          options?.signal?.removeEventListener("abort", onAbort);
          return { text: `guess: ${(task as EchoTask).secret}` };
        },
      }),
    };
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on("warning", onWarning);
    try {
      const many = Array.from({ length: concurrency }, (_, i) => ({ id: `m${i}`, secret: `s${i}` }));
      const summary = await runTasks({
        spec: echoSpec,
        backend: await echoSpec.open(),
        tasks: many,
        model,
        outDir: freshDir(),
        concurrency,
      });
      expect(summary.successRate).toBe(1);
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
    } finally {
      process.off("warning", onWarning);
    }
    expect(inFlight).toBe(concurrency);
    expect(warnings).not.toContain("MaxListenersExceededWarning");
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

  it("refuses to mix models in one output dir, also in a dir written before run.json", async () => {
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
      /other settings \(model "oracle" → "other"\)/,
    );
    rmSync(join(outDir, "run.json"));
    await expect(runTasks({ spec: echoSpec, backend, tasks, model: other, outDir })).rejects.toThrow(
      /results\.jsonl:1: model: holds results of "oracle"/,
    );
  });

  /** A model that solves every task except those in `failing`, where it throws `error()`. */
  const flaky = (failing: Set<string>, error: () => Error): ChatModel => ({
    id: "flaky",
    complete: async () => ({ text: "" }),
    forEpisode: ({ task }) => ({
      id: "flaky",
      complete: async () => {
        if (failing.has((task as EchoTask).id)) throw error();
        return { text: `guess: ${(task as EchoTask).secret}` };
      },
    }),
  });

  it("keeps infrastructure failures out of the results, says why, and retries them on resume", async () => {
    const outDir = freshDir();
    const backend = await echoSpec.open();
    const failing = new Set(["t2", "t5"]);
    const down = () => new ModelError("flaky: cannot reach server (ECONNREFUSED)");
    const first = await runTasks({ spec: echoSpec, backend, tasks, model: flaky(failing, down), outDir });
    expect(first.complete).toBe(false);
    expect(first.incomplete).toMatchObject({ pending: 2, stopped: false });
    expect(first.incomplete?.reason).toMatch(/2 episodes failed on infrastructure .*ECONNREFUSED/);
    expect(first.failures).toEqual({});
    expect(lines(outDir)).toHaveLength(8);
    const errors = readFileSync(join(outDir, "errors.jsonl"), "utf8").trim().split("\n");
    expect(errors.map((l) => JSON.parse(l).id).sort()).toEqual(["echo/t2/0", "echo/t5/0"]);

    failing.clear(); // the server is back
    const second = await runTasks({ spec: echoSpec, backend, tasks, model: flaky(failing, down), outDir });
    expect(second).toMatchObject({ complete: true, tasks: 10, successRate: 1 });
    expect(second.incomplete).toBeUndefined();
    expect(lines(outDir)).toHaveLength(10);
  });

  it("an env backend failure is retried on resume too", async () => {
    const outDir = freshDir();
    const backend = await echoSpec.open();
    const broken = tasks.map((t) => (t.id === "t1" ? { ...t, secret: "broken-env" } : t));
    const summary = await runTasks({
      spec: echoSpec,
      backend,
      tasks: broken,
      model: oracleModel(echoSpec),
      outDir,
    });
    expect(summary).toMatchObject({ complete: false, tasks: 9, incomplete: { pending: 1 } });
    expect(JSON.parse(readFileSync(join(outDir, "errors.jsonl"), "utf8"))).toMatchObject({
      id: "echo/t1/0",
      source: "env",
      error: expect.stringMatching(/backend down/),
    });
  });

  it("stops at once on an auth error, without recording anything", async () => {
    const outDir = freshDir();
    let calls = 0;
    const model: ChatModel = {
      id: "locked",
      complete: async () => {
        calls++;
        throw new ModelError("locked: HTTP 401: invalid api key", { status: 401 });
      },
    };
    const summary = await runTasks({
      spec: echoSpec,
      backend: await echoSpec.open(),
      tasks,
      model,
      outDir,
      concurrency: 1,
    });
    expect(calls).toBe(1);
    expect(summary).toMatchObject({ complete: false, tasks: 0, incomplete: { pending: 10, stopped: true } });
    expect(summary.incomplete?.reason).toMatch(/^stopped: .*HTTP 401: invalid api key/);
    expect(readFileSync(join(outDir, "results.jsonl"), "utf8")).toBe("");
  });

  it("stops after N infrastructure failures in a row, but not when results come between them", async () => {
    const timeout = () => new ModelError("flaky: request timed out");
    const everyOther = new Set(tasks.filter((_, i) => i % 2 === 0).map((t) => t.id));
    const mixed = await runTasks({
      spec: echoSpec,
      backend: await echoSpec.open(),
      tasks,
      model: flaky(everyOther, timeout),
      outDir: freshDir(),
      concurrency: 1,
      maxConsecutiveFailures: 2,
    });
    expect(mixed).toMatchObject({ tasks: 5, incomplete: { pending: 5, stopped: false } });

    const all = new Set(tasks.map((t) => t.id));
    let attempts = 0;
    const counting = flaky(all, () => {
      attempts++;
      return timeout();
    });
    const stopped = await runTasks({
      spec: echoSpec,
      backend: await echoSpec.open(),
      tasks,
      model: counting,
      outDir: freshDir(),
      concurrency: 1,
      maxConsecutiveFailures: 3,
    });
    expect(attempts).toBe(3);
    expect(stopped.incomplete?.reason).toMatch(/^stopped: 3 episodes in a row failed on infrastructure/);
  });

  it("an agent's own failures stay results: a scripted model out of replies, a context limit", async () => {
    const outDir = freshDir();
    const script = new ScriptedModel(new Map([["t0", ["look"]]]));
    const summary = await runTasks({
      spec: echoSpec,
      backend: await echoSpec.open(),
      tasks: tasks.slice(0, 2),
      model: script,
      outDir,
    });
    expect(summary).toMatchObject({ complete: true, tasks: 2, failures: { model_error: 2 } });
    const overflow = flaky(
      new Set(["t0"]),
      () => new ModelError("too long", { status: 400, contextLimit: true }),
    );
    const limited = await runTasks({
      spec: echoSpec,
      backend: await echoSpec.open(),
      tasks: tasks.slice(0, 1),
      model: overflow,
      outDir: freshDir(),
    });
    expect(limited).toMatchObject({ complete: true, failures: { context_limit: 1 } });
  });

  it("keeps a runaway reply once, cut to 64 KiB with its length recorded", async () => {
    const outDir = freshDir();
    const huge = `guess: ${"x".repeat(1_000_000)}`;
    const model = new ScriptedModel(new Map([["t0", ["look", huge]]]));
    await runTasks({
      spec: echoSpec,
      backend: await echoSpec.open(),
      tasks: tasks.slice(0, 1),
      model,
      outDir,
    });
    const line = lines(outDir)[0] as string;
    expect(line.length).toBeLessThan(70_000);
    const last = JSON.parse(line).messages.at(-1);
    expect(last).toMatchObject({ role: "assistant", length: huge.length });
    expect(last.content).toHaveLength(64 * 1024);
  });

  describe("run identity", () => {
    const run = (outDir: string, extra: Partial<Parameters<typeof runTasks<EchoTask>>[0]> = {}) =>
      echoSpec
        .open()
        .then((backend) =>
          runTasks({ spec: echoSpec, backend, tasks, model: oracleModel(echoSpec), outDir, ...extra }),
        );

    it("refuses a re-run with other settings, naming each change; --force-new keeps the old run aside", async () => {
      const outDir = freshDir();
      await run(outDir, { identity: { tasksHash: "aaaa", limit: 5 } });
      await expect(
        run(outDir, { identity: { tasksHash: "bbbb", limit: 5 }, temperature: 0.7 }),
      ).rejects.toThrow(
        /other settings \(temperature 0 → 0\.7; tasksHash "aaaa" → "bbbb"\); use another --out, or --force-new/,
      );
      await expect(run(outDir, { identity: { tasksHash: "aaaa" } })).rejects.toThrow(/limit 5 → \(unset\)/);
      await run(outDir, { identity: { tasksHash: "aaaa", limit: 5 } }); // same settings: resumes
      const fresh = await run(outDir, { identity: { tasksHash: "bbbb" }, forceNew: true });
      expect(fresh.tasks).toBe(10);
      const parent = join(outDir, "..");
      const aside = readdirSync(parent).filter((n) => n.startsWith(`${outDir.split("/").at(-1)}.replaced-`));
      expect(aside).toHaveLength(1);
      expect(existsSync(join(parent, aside[0] as string, "results.jsonl"))).toBe(true);
    });

    it("refuses a second writer while the first is alive, and takes over the lock of a killed one", async () => {
      const outDir = freshDir();
      const startOf = (pid: number) => {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
      };
      const lock = (pid: number, processStart: string | undefined) =>
        writeFileSync(
          join(outDir, "run.lock"),
          JSON.stringify({ pid, processStart, host: hostname(), startedAt: "2026-01-01T00:00:00Z" }),
        );
      lock(process.pid, startOf(process.pid)); // a live process (this one) holds the lock
      await expect(run(outDir)).rejects.toThrow(
        new RegExp(
          `another agenttune run \\(pid ${process.pid}, started 2026-01-01T00:00:00Z\\) is writing here`,
        ),
      );
      // the same pid with another start time: the pid was reused after the owner died
      lock(process.pid, "1");
      expect((await run(outDir)).complete).toBe(true);
      expect(existsSync(join(outDir, "run.lock"))).toBe(false);
      // a process killed with -9 while it held the lock
      const child = spawn("sleep", ["60"]);
      lock(child.pid as number, startOf(child.pid as number));
      await expect(run(outDir)).rejects.toThrow(/another agenttune run/);
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGKILL");
      await exited;
      expect((await run(outDir)).complete).toBe(true);
    });
  });
});
