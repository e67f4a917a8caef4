// AgentGym-compatible routes, spoken as AgentGym's own clients speak them (WooooDyy/AgentGym@3ef9235d
// agentenv/agentenv/envs/webshop.py:150-240, alfworld.py (AlfWorldEnvClient), sqlgym.py
// (SqlGymEnvClient)): create, reset by item, steps with the bare action the client's adapter parsed
// out of the model's text, the observation, close. The oracle's replies are recorded once on an
// in-process session, then sent through the routes: the episodes reach agenttune's reward 1.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateTasksFile } from "../../data/index.js";
import { type RunningOpenEnvServer, serveOpenEnv } from "../openenv/server.js";
import type { ServedTask } from "../served-tasks.js";
import { bareAction, oracleReplies } from "./test-helpers.js";

async function post(url: string, body?: unknown) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

/** Posts each oracle reply's bare action to /step as the env's client would; returns every answer. */
async function stepAll(base: string, id: Record<string, number>, env: string, replies: string[]) {
  const answers: { status: number; body: Record<string, unknown> }[] = [];
  for (const reply of replies) {
    const step = await post(`${base}/step`, { ...id, action: bareAction[env]?.(reply) });
    answers.push(step as { status: number; body: Record<string, unknown> });
  }
  return answers;
}

describe("AgentGym routes", () => {
  let running: RunningOpenEnvServer;
  let out: string;
  const splits: Record<string, ServedTask> = {};

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), "agentgym-"));
    out = join(dir, "out");
    for (const env of ["alfworld", "webshop"]) {
      const file = join(dir, `${env}.jsonl`);
      await generateTasksFile({ env, count: 3, seed: 11, out: file });
      splits[env] = { env, tasks: file, capacity: 4 };
    }
    splits.db = { env: "db", tasks: resolve("test/fixtures/dbbench-sample.jsonl"), capacity: 4, limit: 3 };
    running = await serveOpenEnv({ tasks: splits, port: 0, out, maxConcurrentEnvs: 8 });
  });
  afterAll(() => running.close());

  it("webshop: {env_idx}, reset by session_id → [obs, null], step → {state, reward, done, info}", async () => {
    const base = `${running.url}/agentgym/webshop`;
    expect(await (await fetch(base)).json()).toBe("ok");
    const created = await post(`${base}/create`);
    expect(typeof created.body).toBe("number");
    const env_idx = created.body as number;
    for (const index of [0, 1, 2]) {
      const replies = await oracleReplies("webshop", splits.webshop as ServedTask, index);
      const reset = await post(`${base}/reset`, { env_idx, session_id: index });
      expect(reset.status).toBe(200);
      const [first, nothing] = reset.body as [string, null];
      expect(nothing).toBeNull();
      // webshop.py reset(): response[0] = self.observe() (GET /observation?env_idx=)
      const observed = await (await fetch(`${base}/observation?env_idx=${env_idx}`)).json();
      expect(observed).toBe(first);
      const steps = await stepAll(base, { env_idx }, "webshop", replies);
      for (const step of steps) {
        expect(step.status).toBe(200);
        expect(Object.keys(step.body).sort()).toEqual(["done", "info", "reward", "state"]);
      }
      expect(steps.at(-1)?.body).toMatchObject({ reward: 1, done: true });
    }
    expect((await post(`${base}/close`, { env_idx })).status).toBe(200);
    expect(running.server.sessionCount).toBe(0);
  });

  it("alfworld: create → {id}, reset {game, world_type} → {observation, available_actions}", async () => {
    const base = `${running.url}/agentgym/alfworld`;
    const { id } = (await post(`${base}/create`)).body as { id: number };
    const replies = await oracleReplies("alfworld", splits.alfworld as ServedTask, 1);
    const reset = (await post(`${base}/reset`, { id, game: 1, world_type: "Text" })).body as Record<
      string,
      unknown
    >;
    expect(reset.observation).toContain("Your task is to");
    expect(Array.isArray(reset.available_actions)).toBe(true);
    const last = (await stepAll(base, { id }, "alfworld", replies)).at(-1)?.body ?? {};
    expect(last).toMatchObject({ reward: 1, done: true });
    expect(Object.keys(last).sort()).toEqual(["available_actions", "done", "observation", "reward"]);
    await post(`${base}/close`, { id });
  });

  it("db as sqlgym: {env_idx}, reset {item_id}, the client's bare SQL; the reward is agenttune's", async () => {
    const base = `${running.url}/agentgym/db`;
    const env_idx = (await post(`${base}/create`)).body as number;
    const replies = await oracleReplies("db", splits.db as ServedTask, 0);
    await post(`${base}/reset`, { env_idx, item_id: 0 });
    // an answer has no ```sql block: the client sends the whole reply, which the route keeps
    const last = (await stepAll(base, { env_idx }, "db", replies)).at(-1)?.body ?? {};
    expect(last).toMatchObject({ reward: 1, done: true });
    await post(`${base}/close`, { env_idx });
    const logged = readFileSync(join(out, "db", "results.jsonl"), "utf8")
      .trim()
      .split("\n");
    expect(JSON.parse(logged.at(-1) as string)).toMatchObject({ reward: 1 });
  });

  it("names what is wrong: unknown split, an env without routes, no such instance, a bad item", async () => {
    expect((await post(`${running.url}/agentgym/nope/create`)).status).toBe(404);
    const env_idx = (await post(`${running.url}/agentgym/db/create`)).body as number;
    const missing = await post(`${running.url}/agentgym/db/step`, { env_idx: 999, action: "SELECT 1" });
    expect(missing).toMatchObject({ status: 404, body: { detail: expect.stringContaining("env_idx 999") } });
    const early = await post(`${running.url}/agentgym/db/step`, { env_idx, action: "SELECT 1" });
    expect(early).toMatchObject({ status: 400, body: { detail: expect.stringContaining("reset") } });
    const far = await post(`${running.url}/agentgym/db/reset`, { env_idx, item_id: 99 });
    expect(far).toMatchObject({ status: 400, body: { detail: expect.stringContaining("out of range") } });
    await post(`${running.url}/agentgym/db/close`, { env_idx });
  });

  it("refuses /create past max_concurrent_envs with 503 (the clients retry on it) and frees on /close", async () => {
    const base = `${running.url}/agentgym/alfworld`;
    const ids: number[] = [];
    for (let i = 0; i < 8; i++) ids.push(((await post(`${base}/create`)).body as { id: number }).id);
    expect((await post(`${base}/create`)).status).toBe(503);
    for (const id of ids) await post(`${base}/close`, { id });
    expect(running.server.sessionCount).toBe(0);
    expect((await post(`${base}/create`)).status).toBe(200);
  });
});
