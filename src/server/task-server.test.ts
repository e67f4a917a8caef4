// The task server against AgentBench v0.2's controller API: its routes, status codes and shapes
// (src/server/task_controller.py, src/typings), sessions that time out, and AgentBench's own assigner
// and clients (../shared/benchmarks/agentbench-v0.2, unchanged) running db and os tasks against it,
// their computed overall equal to agenttune's own metrics for the same episodes.
import { execFile, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { backendAvailable, benchmarksDir } from "../../test/helpers/backends.js";
import { knownTasks, taskOracleReply } from "../../test/helpers/task-oracle.js";
import type { Message, Trajectory } from "../core/index.js";
import { getEnvSpec } from "../envs/index.js";
import { sandboxAvailable } from "../envs/lib/sandbox/test-sandbox.js";
import { runEval } from "../eval/index.js";
import { startMockOpenAIServer } from "../models/test-helpers/mock-openai-server.js";
import { type RunningTaskServer, serveTasks, TaskServer, toAgentBenchHistory } from "./task-server.js";

const dbFixture = resolve("test/fixtures/dbbench-sample.jsonl");
const osFixture = resolve("test/fixtures/os_interaction/sample.json");
const osScripts = resolve("test/fixtures/os_interaction/scripts");
const dir = mkdtempSync(join(tmpdir(), "task-server-"));
const servers: RunningTaskServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
});

async function json(server: TaskServer, path: string, body?: unknown) {
  const response = await server.app.request(`/api${path}`, {
    method: body === undefined ? "GET" : "POST",
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> & unknown[] };
}

describe("task server (AgentBench v0.2 controller API)", () => {
  it("answers get_indices, list_workers and start_sample with AgentBench's shapes and codes", async () => {
    const server = await TaskServer.create({
      tasks: { "dbbench-dev": { env: "db", tasks: dbFixture, capacity: 1 } },
    });
    try {
      expect(await json(server, "/get_indices?name=dbbench-dev")).toEqual({
        status: 200,
        body: [0, 1, 2, 3, 4, 5, 6, 7],
      });
      expect((await json(server, "/get_indices?name=nope")).status).toBe(400);
      const workers = await json(server, "/list_workers");
      expect(workers.body).toMatchObject({
        "dbbench-dev": {
          indices: [0, 1, 2, 3, 4, 5, 6, 7],
          workers: { 0: { capacity: 1, current: 0, status: 0 } },
        },
      });
      expect(await json(server, "/start_sample", { name: "nope", index: 0 })).toMatchObject({
        status: 406,
        body: { detail: "Error: Task does not exist" },
      });
      expect((await json(server, "/start_sample", { name: "dbbench-dev", index: 8 })).status).toBe(400);
      const started = await json(server, "/start_sample", { name: "dbbench-dev", index: 0 });
      expect(started.status).toBe(200);
      expect(started.body).toMatchObject({
        session_id: 0,
        output: { index: 0, status: "running", result: null },
      });
      const history = (started.body.output as { history: { role: string }[] }).history;
      expect(history.at(-1)?.role).toBe("user");
      expect(history.every((h) => h.role === "user" || h.role === "agent")).toBe(true);
      // capacity 1: the next sample waits for a free slot
      expect(await json(server, "/start_sample", { name: "dbbench-dev", index: 1 })).toMatchObject({
        status: 406,
        body: { detail: "Error: No workers available" },
      });
      expect((await json(server, "/list_workers")).body).toMatchObject({
        "dbbench-dev": { workers: { 0: { current: 1 } } },
      });
      // a reply that is no action ends the sample as AgentBench's invalid action; the slot is free again
      const ended = await json(server, "/interact", {
        session_id: 0,
        agent_response: { content: "I would rather not." },
      });
      expect(ended.body).toMatchObject({
        session_id: 0,
        output: { status: "agent invalid action", result: { reward: 0, success: false } },
      });
      expect(
        (await json(server, "/interact", { session_id: 0, agent_response: { content: "x" } })).status,
      ).toBe(400);
      const again = await json(server, "/start_sample", { name: "dbbench-dev", index: 1 });
      expect(again.body.session_id).toBe(1);
      expect(await json(server, "/cancel", { session_id: 1 })).toEqual({
        status: 200,
        body: { session_id: 1 },
      });
      expect(server.sessionCount).toBe(0);
    } finally {
      await server.close();
    }
  });

  it("plays a whole sample to 'completed' with the oracle's replies; calculate_overall is the env's metrics", async () => {
    const out = join(dir, "served");
    const server = await TaskServer.create({
      tasks: { "dbbench-dev": { env: "db", tasks: dbFixture, capacity: 2 } },
      out,
    });
    const spec = getEnvSpec("db");
    const tasks: unknown[] = [];
    for await (const t of spec.loadTasks(dbFixture)) tasks.push(t);
    try {
      const outputs: Record<string, unknown>[] = [];
      for (const index of [0, 1, 2]) {
        const oracle = spec.oracle(tasks[index]);
        let step = await json(server, "/start_sample", { name: "dbbench-dev", index });
        const agent: Message[] = [];
        while ((step.body.output as { status: string }).status === "running") {
          const history = (step.body.output as { history: { role: string; content: string }[] }).history;
          const reply = oracle.reply(
            history.map((h) => ({ role: h.role === "agent" ? "assistant" : "user", content: h.content })),
          );
          agent.push({ role: "assistant", content: reply });
          step = await json(server, "/interact", {
            session_id: step.body.session_id,
            agent_response: { content: reply },
          });
        }
        expect(step.body.output).toMatchObject({ status: "completed", result: { reward: 1, success: true } });
        outputs.push(step.body.output as Record<string, unknown>);
      }
      const overall = await json(server, "/calculate_overall", { name: "dbbench-dev", results: outputs });
      expect(overall.body).toMatchObject({ env: "db", task: "DB", score: 100, successRate: 1 });
      const recorded = readFileSync(join(out, "dbbench-dev", "results.jsonl"), "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as Trajectory);
      expect(recorded.map((t) => t.success)).toEqual([true, true, true]);
      expect(overall.body.metrics).toEqual(spec.metrics(recorded, new Map()));
    } finally {
      await server.close();
    }
  });

  it("closes a session its client left, and keeps serving", async () => {
    const server = await TaskServer.create({
      tasks: { "dbbench-dev": { env: "db", tasks: dbFixture, capacity: 1 } },
      sessionTimeoutMs: 300,
    });
    try {
      await json(server, "/start_sample", { name: "dbbench-dev", index: 0 });
      expect(server.sessionCount).toBe(1);
      const deadline = Date.now() + 20_000;
      while (server.sessionCount > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(server.sessionCount).toBe(0);
      expect((await json(server, "/start_sample", { name: "dbbench-dev", index: 1 })).status).toBe(200);
    } finally {
      await server.close();
    }
  }, 30_000);

  it("refuses a request body over its limit with 413, and keeps serving", async () => {
    const server = await TaskServer.create({
      tasks: { "dbbench-dev": { env: "db", tasks: dbFixture, capacity: 1 } },
      maxRequestBytes: 1024,
    });
    try {
      const big = await json(server, "/interact", {
        session_id: 0,
        agent_response: { content: "x".repeat(4096) },
      });
      expect(big).toEqual({ status: 413, body: { detail: "Error: request body over 1024 bytes" } });
      expect((await json(server, "/start_sample", { name: "dbbench-dev", index: 0 })).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it("sends a system message in front of the first user turn (AgentBench's history has user and agent only)", () => {
    expect(
      toAgentBenchHistory([
        { role: "system", content: "S" },
        { role: "user", content: "u1" },
        { role: "assistant", content: "a1" },
        { role: "user", content: "u2" },
      ]),
    ).toEqual([
      { role: "user", content: "S\n\nu1" },
      { role: "agent", content: "a1" },
      { role: "user", content: "u2" },
    ]);
  });
});

const agentbench = benchmarksDir() ? join(benchmarksDir() as string, "agentbench-v0.2") : undefined;
const debianPython =
  agentbench !== undefined &&
  backendAvailable(
    "Debian's python3 with python3-requests, -pydantic (1.10), -yaml, -tqdm, -numpy (AgentBench's client)",
    spawnSync("/usr/bin/python3", [
      "-c",
      "import requests, pydantic, yaml, tqdm, numpy; assert pydantic.VERSION.startswith('1.')",
    ]).status === 0,
  );

describe.skipIf(!debianPython)("AgentBench v0.2's own assigner against the task server", () => {
  it("runs db and os samples; its overall equals agenttune's metrics for the same episodes", async () => {
    // the model: the oracle of whichever task the conversation is about, except on tasks it gets wrong on purpose
    const envs = [
      { name: "dbbench-dev", env: "db", file: dbFixture, scripts: undefined },
      ...(sandboxAvailable ? [{ name: "os-dev", env: "os", file: osFixture, scripts: osScripts }] : []),
    ];
    const known = (
      await Promise.all(envs.map((e) => knownTasks(e.env, e.file, (i) => i % 3 === 2, e.scripts)))
    ).flat();
    const model = await startMockOpenAIServer({
      reply: taskOracleReply(known, "I am not sure what to do here."),
    });
    const out = join(dir, "assigner-served");
    const running = await serveTasks({
      port: 0,
      out,
      tasks: Object.fromEntries(
        envs.map((e) => [
          e.name,
          {
            env: e.env,
            tasks: e.file,
            protocol: "agentbench-v0.2" as const,
            capacity: 10,
            ...(e.scripts ? { scripts: e.scripts } : {}),
          },
        ]),
      ),
    });
    servers.push(running);
    // stubs for the imports AgentBench's client never uses here (fastchat, anthropic), on PYTHONPATH only
    const stubs = join(dir, "stubs");
    mkdirSync(join(stubs, "fastchat", "model"), { recursive: true });
    mkdirSync(join(stubs, "anthropic"), { recursive: true });
    writeFileSync(join(stubs, "fastchat", "__init__.py"), "");
    writeFileSync(join(stubs, "fastchat", "model", "__init__.py"), "");
    writeFileSync(
      join(stubs, "fastchat", "model", "model_adapter.py"),
      "def get_conversation_template(*args, **kwargs):\n    raise NotImplementedError\n",
    );
    writeFileSync(join(stubs, "anthropic", "__init__.py"), "HUMAN_PROMPT = ''\nAI_PROMPT = ''\n");
    const results = join(dir, "assigner-out");
    const config = join(dir, "assignment.yaml");
    writeFileSync(
      config,
      JSON.stringify({
        concurrency: { task: Object.fromEntries(envs.map((e) => [e.name, 10])), agent: { mock: 10 } },
        assignments: [{ agent: "mock", task: envs.map((e) => e.name) }],
        definition: {
          task: Object.fromEntries(
            envs.map((e) => [
              e.name,
              {
                module: "src.client.TaskClient",
                parameters: { name: e.name, controller_address: running.url },
              },
            ]),
          ),
          agent: {
            mock: {
              module: "src.client.agents.HTTPAgent",
              parameters: {
                url: `${model.baseURL}/chat/completions`,
                headers: { "Content-Type": "application/json" },
                body: { model: "mock", temperature: 0 },
                prompter: { name: "role_content_dict", args: { agent_role: "assistant" } },
                return_format: "{response[choices][0][message][content]}",
              },
            },
          },
        },
        output: results,
      }),
    );
    try {
      await promisify(execFile)("/usr/bin/python3", ["-m", "src.assigner", "--config", config], {
        cwd: agentbench,
        env: { ...process.env, PYTHONPATH: stubs, PYTHONDONTWRITEBYTECODE: "1", PATH: "/usr/bin:/bin" },
        timeout: 240_000,
      });
      for (const { name, env, file, scripts } of envs) {
        const spec = getEnvSpec(env);
        const overall = JSON.parse(readFileSync(join(results, "mock", name, "overall.json"), "utf8"));
        const served = readFileSync(join(out, name, "results.jsonl"), "utf8")
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l) as Trajectory);
        const tasks = known.filter((k) => k.env === env);
        expect(served).toHaveLength(tasks.length);
        expect(overall.total).toBe(tasks.length);
        // AgentBench's own statistics: the share of samples per status, as the client computed it
        const wrong = tasks.filter((t) => t.wrong).length;
        expect(
          overall.validation["agent invalid action"] + overall.validation["task limit reached"],
        ).toBeCloseTo(wrong / tasks.length);
        // its custom part is agenttune's metrics, from the results AgentBench's client sent back ...
        expect(overall.custom.metrics).toEqual(spec.metrics(served, new Map()));
        // ... and the same as agenttune's own eval of the same model on the same tasks
        const own = await runEval({
          env,
          tasks: file,
          ...(scripts ? { scripts } : {}),
          model: `${model.baseURL}#mock`,
          protocol: "agentbench-v0.2",
          out: join(dir, `own-${name}`),
          progress: false,
        });
        expect(overall.custom.metrics).toEqual(own.metrics);
        expect(overall.custom.successRate).toBeCloseTo((tasks.length - wrong) / tasks.length);
      }
    } finally {
      await model.close();
    }
  }, 300_000);
});
