// Python clients on the OpenEnv server: the shipped agenttune_env client, and OpenEnv's own
// GenericEnvClient(...).sync() (huggingface/OpenEnv@385de5eb src/openenv/core/generic_client.py:92-109,
// env_client.py:218-257) when a Python with `openenv` is given, play db, os, alfworld and webshop episodes
// over /ws to the reward agenttune scores; `openenv validate --url` (src/openenv/cli/_validation.py) passes.
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backendAvailable } from "../../../test/helpers/backends.js";
import { PythonBridge } from "../../../test/helpers/python-bridge.js";
import { generateTasksFile } from "../../data/index.js";
import { getEnvSpec } from "../../envs/index.js";
import { sandboxAvailable } from "../../envs/lib/sandbox/test-sandbox.js";
import type { ServedTask } from "../served-tasks.js";
import { type RunningOpenEnvServer, serveOpenEnv } from "./server.js";
import { playOracleEpisode } from "./test-client.js";

const hfPython = process.env.AGENTTUNE_HF_PYTHON;
const shippedClient = backendAvailable(
  "a Python with websockets for python/agenttune_env (AGENTTUNE_HF_PYTHON; see .ci/hf-python)",
  Boolean(hfPython),
);
// `openenv` is not on this machine kind's package index (12-06); .ci/openenv-python installs it from a
// checkout when AGENTTUNE_OPENENV_SRC names one, and this half skips otherwise
const openenvPython = process.env.AGENTTUNE_OPENENV_PYTHON;

const dir = mkdtempSync(join(tmpdir(), "openenv-py-"));
let running: RunningOpenEnvServer;
const splits: Record<string, ServedTask> = {};

beforeAll(async () => {
  for (const env of ["alfworld", "webshop"]) {
    const out = join(dir, `${env}.jsonl`);
    await generateTasksFile({ env, count: 3, seed: 11, out });
    splits[env] = { env, tasks: out, capacity: 4 };
  }
  splits.db = { env: "db", tasks: resolve("test/fixtures/dbbench-sample.jsonl"), capacity: 4, limit: 3 };
  if (sandboxAvailable)
    splits.os = {
      env: "os",
      tasks: resolve("test/fixtures/os_interaction/sample.json"),
      scripts: resolve("test/fixtures/os_interaction/scripts"),
      capacity: 4,
      limit: 3,
    };
  running = await serveOpenEnv({ tasks: splits, port: 0 });
}, 120_000);
afterAll(() => running?.close());

async function playAll(python: string, client: "agenttune" | "openenv") {
  const bridge = await PythonBridge.open(python, running.url, client);
  const played: { split: string; index: number; reward: number | null; state: Record<string, unknown> }[] =
    [];
  try {
    for (const [split, config] of Object.entries(splits)) {
      const spec = getEnvSpec(config.env);
      const tasks: unknown[] = [];
      for await (const task of spec.loadTasks(
        config.tasks,
        config.scripts ? { scripts: config.scripts } : {},
      ))
        if (tasks.length < 3) tasks.push(task);
      for (const [index, task] of tasks.entries()) {
        const { reward, last } = await playOracleEpisode(bridge, spec, task, { split, index });
        expect(last.done, `${split} #${index}`).toBe(true);
        played.push({ split, index, reward, state: await bridge.state() });
      }
    }
  } finally {
    await bridge.close();
  }
  return played;
}

function expectAgenttuneRewards(played: Awaited<ReturnType<typeof playAll>>) {
  expect(played.map((p) => p.split)).toEqual(
    expect.arrayContaining(["db", "alfworld", "webshop", ...(sandboxAvailable ? ["os"] : [])]),
  );
  for (const { split, index, reward, state } of played) {
    expect(reward, `${split} #${index}`).toBe(1);
    // the state frame carries the same reward and the per-step timings
    expect(state).toMatchObject({ split, index, done: true, reward: 1 });
    expect((state.step_ms as number[]).length).toBe(state.step_count);
  }
}

describe.skipIf(!shippedClient)("agenttune_env.AgentTuneClient (python/agenttune_env)", () => {
  it("plays db, os, alfworld and webshop episodes to agenttune's reward over /ws", async () => {
    expectAgenttuneRewards(await playAll(hfPython as string, "agenttune"));
    expect(running.server.sessionCount).toBe(0);
  }, 300_000);
});

describe.skipIf(!openenvPython)("OpenEnv's GenericEnvClient (AGENTTUNE_OPENENV_PYTHON)", () => {
  it("plays db, os, alfworld and webshop episodes to agenttune's reward over /ws", async () => {
    expectAgenttuneRewards(await playAll(openenvPython as string, "openenv"));
  }, 300_000);

  it("passes `openenv validate --url`", async () => {
    const cli = join(dirname(openenvPython as string), "openenv");
    const { stdout } = await promisify(execFile)(cli, ["validate", "--url", running.url, "--timeout", "30"], {
      timeout: 120_000,
    });
    const report = JSON.parse(stdout) as { passed: boolean; summary: { failed_criteria: string[] } };
    expect(report.summary.failed_criteria).toEqual([]);
    expect(report.passed).toBe(true);
  }, 150_000);
});
