// The OpenEnv server (WS /ws and the HTTP routes `openenv validate` probes), driven by a client that
// speaks OpenEnv's frames (huggingface/OpenEnv@385de5eb src/openenv/core/env_server/http_server.py:
// 1309-1518, types.py:37-46, 248-314): the oracle reaches reward 1 over the socket; malformed frames
// get the codes OpenEnv sends and the socket keeps serving; capacity and idle sessions end as there.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateTasksFile } from "../../data/index.js";
import { getEnvSpec } from "../../envs/index.js";
import { type OpenEnvServerOptions, type RunningOpenEnvServer, serveOpenEnv } from "./server.js";
import { playOracleEpisode, TestClient } from "./test-client.js";

const dbFixture = resolve("test/fixtures/dbbench-sample.jsonl");

async function tasksOf(env: string, file: string): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const task of getEnvSpec(env).loadTasks(file)) out.push(task);
  return out;
}

describe("OpenEnv server on db", () => {
  let running: RunningOpenEnvServer;
  beforeAll(async () => {
    running = await serveOpenEnv({ tasks: { dev: { env: "db", tasks: dbFixture, capacity: 4 } }, port: 0 });
  });
  afterAll(() => running.close());

  it("lists db's actions as tools and plays every task to reward 1 with the oracle over /ws", async () => {
    const spec = getEnvSpec("db");
    const tasks = await tasksOf("db", dbFixture);
    const client = await TestClient.connect(running.url);
    const listed = await client.observe("step", { type: "list_tools" });
    expect(listed.observation.tools?.map((t) => t.name)).toEqual(["execute_sql", "commit_final_answer"]);
    for (const [index, task] of tasks.entries()) {
      const { reward, steps, last } = await playOracleEpisode(client, spec, task, { index });
      expect(reward, `task ${index}`).toBe(1);
      expect(last.done).toBe(true);
      const state = await client.request("state");
      expect(state).toMatchObject({
        type: "state",
        data: { step_count: steps, index, done: true, reward: 1, task_id: spec.taskId(task) },
      });
      expect((state.data.step_ms as number[]).length).toBe(steps);
    }
    await client.close();
    expect(running.server.sessionCount).toBe(0);
  });

  it("chooses tasks by task_id, index, seed (reproducibly) or file order, and names a bad choice", async () => {
    const client = await TestClient.connect(running.url);
    const ids = async (data: Record<string, unknown>) =>
      (await client.observe("reset", data)).observation.task_id;
    const tasks = await tasksOf("db", dbFixture);
    const second = getEnvSpec("db").taskId(tasks[1]);
    expect(await ids({ task_id: second })).toBe(second);
    expect(await ids({ index: 1 })).toBe(second);
    expect(await ids({ seed: 7 })).toBe(await ids({ seed: 7 }));
    const wrong = await client.request("reset", { index: 99 });
    expect(wrong).toMatchObject({ type: "error", data: { code: "EXECUTION_ERROR" } });
    expect(wrong.data.message).toMatch(/index 99 is out of range/);
    expect((await client.request("reset", { split: "nope" })).data.message).toMatch(/unknown split "nope"/);
    await client.close();
  });

  it("answers malformed frames with OpenEnv's error codes and keeps the socket", async () => {
    const client = await TestClient.connect(running.url);
    client.sendRaw("{not json");
    expect(await client.next()).toMatchObject({ type: "error", data: { code: "INVALID_JSON" } });
    expect(await client.request("bogus")).toMatchObject({ type: "error", data: { code: "UNKNOWN_TYPE" } });
    client.sendRaw("[1,2]");
    expect(await client.next()).toMatchObject({ type: "error", data: { code: "VALIDATION_ERROR" } });
    expect(await client.request("step", { type: "call_tool" })).toMatchObject({
      data: { code: "VALIDATION_ERROR" },
    });
    expect(await client.request("reset", { index: "first" })).toMatchObject({
      data: { code: "VALIDATION_ERROR" },
    });
    const early = await client.request("step", { type: "reply", content: "Action: Answer" });
    expect(early).toMatchObject({
      data: { code: "EXECUTION_ERROR", message: "no episode: send a reset first" },
    });
    // and the same socket still plays an episode
    const reset = await client.observe("reset", { index: 0 });
    expect(reset).toMatchObject({ done: false, reward: 0 });
    const end = await client.observe("step", {
      type: "call_tool",
      tool_name: "commit_final_answer",
      arguments: { answers: ["surely wrong"] },
    });
    expect(end).toMatchObject({ done: true, reward: 0, observation: { failure: "wrong_answer" } });
    const after = await client.request("step", { type: "reply", content: "more" });
    expect(after.data.message).toMatch(/the episode is over/);
    await client.close();
  });

  it("a tool the env does not have ends the turn as in evaluation (invalid_action)", async () => {
    const client = await TestClient.connect(running.url);
    await client.observe("reset", { index: 0 });
    const end = await client.observe("step", { type: "call_tool", tool_name: "rm_rf", arguments: {} });
    expect(end).toMatchObject({ done: true, reward: 0, observation: { failure: "invalid_action" } });
    expect(end.observation.error).toMatch(/Unknown tool "rm_rf"/);
    await client.close();
  });

  it("speaks MCP JSON-RPC in mcp frames and on POST /mcp", async () => {
    const client = await TestClient.connect(running.url);
    const list = await client.request("mcp", { jsonrpc: "2.0", id: 1, method: "tools/list" });
    expect(list).toMatchObject({ type: "mcp", data: { jsonrpc: "2.0", id: 1 } });
    const tools = (list.data.result as { tools: { name: string; inputSchema: unknown }[] }).tools;
    expect(tools.map((t) => t.name)).toEqual(["execute_sql", "commit_final_answer"]);
    await client.observe("reset", { index: 0 });
    const call = await client.request("mcp", {
      jsonrpc: "2.0",
      id: 2,
      method: "tools/call",
      params: { name: "execute_sql", arguments: { sql: "SELECT 1" } },
    });
    expect(call.data).toMatchObject({
      id: 2,
      result: { isError: false, structuredContent: { done: false } },
    });
    await client.close();
    // validate posts {} to /mcp and wants a JSON-RPC reply (cli/_validation.py:335-370)
    const empty = await fetch(`${running.url}/mcp`, { method: "POST", body: "{}" });
    expect(empty.status).toBe(200);
    expect(await empty.json()).toMatchObject({ jsonrpc: "2.0", error: { code: -32600 } });
    const listed = await fetch(`${running.url}/mcp`, {
      method: "POST",
      body: JSON.stringify({ jsonrpc: "2.0", id: "a", method: "tools/list" }),
    });
    expect(await listed.json()).toMatchObject({ id: "a", result: { tools: [{ name: "execute_sql" }, {}] } });
  });

  it("serves the routes openenv validate checks", async () => {
    const get = async (path: string) => {
      const response = await fetch(`${running.url}${path}`);
      expect(response.status, path).toBe(200);
      return (await response.json()) as Record<string, unknown>;
    };
    expect(await get("/health")).toEqual({ status: "healthy" });
    const metadata = await get("/metadata");
    expect(typeof metadata.name).toBe("string");
    expect(typeof metadata.description).toBe("string");
    const schema = await get("/schema");
    for (const key of ["action", "observation", "state"]) expect(typeof schema[key]).toBe("object");
    const openapi = (await get("/openapi.json")) as { info: { version: string }; paths: object };
    expect(openapi.info.version).toBe("1.0.0");
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(["/reset", "/step", "/state"]));
    // the stateless reset: a fresh env's opening, and no session left behind
    const reset = await fetch(`${running.url}/reset`, { method: "POST", body: JSON.stringify({ index: 2 }) });
    expect(await reset.json()).toMatchObject({
      done: false,
      reward: 0,
      observation: { task_id: expect.any(String) },
    });
    expect(running.server.sessionCount).toBe(0);
  });
});

/** A server on the db fixture with these limits, closed after `use`. */
async function withDbServer(
  limits: Partial<OpenEnvServerOptions>,
  use: (running: RunningOpenEnvServer) => Promise<void>,
) {
  const running = await serveOpenEnv({
    tasks: { dev: { env: "db", tasks: dbFixture, capacity: 4 } },
    port: 0,
    ...limits,
  });
  try {
    await use(running);
  } finally {
    await running.close();
  }
}

describe("OpenEnv server limits", () => {
  it("refuses a connection past max_concurrent_envs with CAPACITY_REACHED and frees the slot on close", async () => {
    await withDbServer({ maxConcurrentEnvs: 2 }, async (running) => {
      const a = await TestClient.connect(running.url);
      const b = await TestClient.connect(running.url);
      const c = await TestClient.connect(running.url);
      expect(await c.next()).toMatchObject({
        type: "error",
        data: { code: "CAPACITY_REACHED", active_sessions: 2, max_sessions: 2 },
      });
      expect(await c.next()).toBeUndefined();
      await a.close();
      const d = await TestClient.connect(running.url);
      expect(await d.observe("reset", { index: 0 })).toMatchObject({ done: false });
      await Promise.all([b.close(), d.close()]);
    });
  });

  it("closes an idle session with SESSION_ERROR", async () => {
    await withDbServer({ sessionTimeoutMs: 200 }, async (running) => {
      const client = await TestClient.connect(running.url);
      await client.observe("reset", { index: 0 });
      expect(await client.next()).toMatchObject({ type: "error", data: { code: "SESSION_ERROR" } });
      expect(await client.next()).toBeUndefined();
      expect(running.server.sessionCount).toBe(0);
    });
  });

  it("drops a socket that sends an oversized or binary garbage frame while others play on", async () => {
    await withDbServer({ maxMessageBytes: 4096 }, async (running) => {
      const spec = getEnvSpec("db");
      const tasks = await tasksOf("db", dbFixture);
      const player = await TestClient.connect(running.url);
      await player.observe("reset", { index: 0 });
      // over the limit: ws closes that socket (1009) and its session is dropped
      const big = await TestClient.connect(running.url);
      await big.observe("reset", { index: 1 });
      big.sendRaw(JSON.stringify({ type: "step", data: { type: "reply", content: "x".repeat(10_000) } }));
      expect(await big.next()).toBeUndefined();
      // binary frames that are not UTF-8 JSON get INVALID_JSON and keep their socket
      const garbage = await TestClient.connect(running.url);
      garbage.ws.send(Buffer.from([0xff, 0xfe, 0x00, 0x01]));
      expect(await garbage.next()).toMatchObject({ type: "error", data: { code: "INVALID_JSON" } });
      expect(await garbage.request("state")).toMatchObject({ type: "state" });
      await garbage.close();
      const { reward } = await playOracleEpisode(player, spec, tasks[0], { index: 0 });
      expect(reward).toBe(1);
      await player.close();
      expect(running.server.sessionCount).toBe(0);
    });
  });
});

describe("OpenEnv server on text-action envs", () => {
  it("gives a one-turn env an answer tool, and a ReAct env an act tool; the oracle scores 1 through them", async () => {
    const dir = mkdtempSync(join(tmpdir(), "openenv-"));
    const alfworld = join(dir, "alfworld.jsonl");
    await generateTasksFile({ env: "alfworld", count: 3, seed: 2, out: alfworld });
    const gsm8k = resolve("test/fixtures/gsm8k/sample.jsonl");
    const running = await serveOpenEnv({
      tasks: {
        gsm8k: { env: "gsm8k", tasks: gsm8k, capacity: 4, limit: 3 },
        alfworld: { env: "alfworld", tasks: alfworld, capacity: 4 },
      },
      port: 0,
    });
    try {
      const client = await TestClient.connect(running.url);
      for (const [split, file, format, tool] of [
        ["gsm8k", gsm8k, undefined, "answer"],
        ["alfworld", alfworld, "react", "act"],
        ["alfworld", alfworld, undefined, "take_action"],
      ] as const) {
        const tasks = (await tasksOf(split, file)).slice(0, 3);
        for (const [index, task] of tasks.entries()) {
          const reset = { split, index, ...(format ? { action_format: format } : {}) };
          const opening = await client.observe("reset", reset);
          expect(opening.observation.tools?.[0]?.name).toBe(tool);
          const { reward } = await playOracleEpisode(client, getEnvSpec(split), task, reset);
          expect(reward, `${split} ${format ?? "tools"} #${index}`).toBe(1);
        }
      }
      await client.close();
    } finally {
      await running.close();
    }
  });
});
