// AgentGym's own env clients (WooooDyy/AgentGym agentenv/agentenv/envs/{webshop,alfworld,sqlgym}.py,
// from a checkout named by AGENTTUNE_AGENTGYM_SRC; the package is not on the local index) play
// episodes against the AgentGym routes, as AgentGym-RL builds them (verl/utils/agentgym/client.py:
// 22-48): each client parses the model's ReAct text itself and gets agenttune's reward.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../../../test/helpers/wait-for.js";
import { generateTasksFile } from "../../data/index.js";
import { type RunningOpenEnvServer, serveOpenEnv } from "../openenv/server.js";
import type { ServedTask } from "../served-tasks.js";
import { bareAction, oracleReplies } from "./test-helpers.js";

const python = process.env.AGENTTUNE_HF_PYTHON;
const source = process.env.AGENTTUNE_AGENTGYM_SRC;
const agentenv = source ? resolve(source, "agentenv") : "";
const ready = Boolean(python && source && existsSync(join(agentenv, "agentenv", "envs", "webshop.py")));

/** The model's text in AgentGym's ReAct format (controller/utils.py parse_react: "Action:" split). */
const agentGymText = (env: string, reply: string) =>
  env === "db" ? reply : `Thought:\nnext step.\n\nAction:\n${bareAction[env]?.(reply)}`;

describe.skipIf(!ready)("AgentGym's clients against the AgentGym routes", () => {
  let running: RunningOpenEnvServer;
  const splits: Record<string, ServedTask> = {};
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), "agentgym-clients-"));
    for (const env of ["alfworld", "webshop"]) {
      const file = join(dir, `${env}.jsonl`);
      await generateTasksFile({ env, count: 3, seed: 11, out: file });
      splits[env] = { env, tasks: file, capacity: 4 };
    }
    splits.db = { env: "db", tasks: resolve("test/fixtures/dbbench-sample.jsonl"), capacity: 4, limit: 3 };
    running = await serveOpenEnv({ tasks: splits, port: 0, sessionTimeoutMs: 3_000 });
  });
  afterAll(() => running?.close());

  it("WebshopEnvClient, AlfWorldEnvClient and SqlGymEnvClient reach reward 1 on every task", async () => {
    const episodes = [];
    for (const env of ["webshop", "alfworld", "db"])
      for (const item of [0, 1, 2]) {
        const replies = await oracleReplies(env, splits[env] as ServedTask, item);
        episodes.push({ env, item, texts: replies.map((r) => agentGymText(env, r)) });
      }
    const child = spawn(python as string, [resolve("test/reference/agentgym_clients.py")], {
      env: { ...process.env, PYTHONPATH: agentenv },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.stdin.end(JSON.stringify({ base: running.url, episodes }));
    const code = await new Promise((done) => child.once("close", done));
    expect(code, stderr.slice(-2000)).toBe(0);
    const results = stdout
      .trim()
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line));
    expect(results).toHaveLength(9);
    for (const r of results) {
      expect(r.done, `${r.env} #${r.item}`).toBe(true);
      expect(r.rewards.at(-1), `${r.env} #${r.item}`).toBe(1);
      expect(r.first.length).toBeGreaterThan(0);
    }
    // SqlGymEnvClient has no close(): its 3 instances stay until idle reaping frees them
    expect(running.server.sessionCount).toBe(3);
    await waitFor(() => running.server.sessionCount === 0, 30_000, 100);
    expect(running.server.sessionCount).toBe(0);
  }, 300_000);
});
