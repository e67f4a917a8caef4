// Many sessions at once, as a GRPO trainer opens them (one /ws per generation: TRL docs/source/openenv.md
// :569-593): 256 on alfworld and 64 on os play to the end with nothing left behind (processes, cgroups,
// sandbox folders, sessions), and a client that vanishes mid-episode frees its sandbox within a second.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { waitFor } from "../../../test/helpers/wait-for.js";
import { generateTasksFile } from "../../data/index.js";
import { getEnvSpec } from "../../envs/index.js";
import { sandboxAvailable } from "../../envs/lib/sandbox/test-sandbox.js";
import { serveOpenEnv } from "./server.js";
import { playOracleEpisode, TestClient } from "./test-client.js";

/** Every process below this one (the sandboxes' bwrap, shells, helpers). */
function descendants(): number[] {
  const parent = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      parent.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // exited while we looked
    }
  }
  const found: number[] = [];
  const walk = (pid: number) => {
    for (const [child, ppid] of parent) {
      if (ppid !== pid) continue;
      found.push(child);
      walk(child);
    }
  };
  walk(process.pid);
  return found;
}

/** What a sandbox leaves if it is not released: processes, its cgroups, its folder. */
function resources() {
  const ours = `agenttune-${process.pid}-`;
  const cgroupRoot = "/sys/fs/cgroup";
  const cgroups = existsSync(cgroupRoot)
    ? readdirSync(cgroupRoot).flatMap((entry) => {
        if (entry.startsWith(ours)) return [entry];
        const dir = join(cgroupRoot, entry);
        try {
          return readdirSync(dir).filter((name) => name.startsWith(ours));
        } catch {
          return [];
        }
      })
    : [];
  const folders = readdirSync(tmpdir()).filter((name) => name.startsWith("agenttune-sandbox-"));
  return { processes: descendants().length, cgroups: cgroups.length, folders };
}

async function playConcurrently(url: string, env: string, sessions: number, tasks: unknown[]) {
  const spec = getEnvSpec(env);
  const clients = await Promise.all(Array.from({ length: sessions }, () => TestClient.connect(url)));
  const rewards = await Promise.all(
    clients.map(async (client, i) => {
      const index = i % tasks.length;
      const { reward } = await playOracleEpisode(client, spec, tasks[index], { index });
      await client.close();
      return reward;
    }),
  );
  return rewards;
}

// counts of processes and cgroups taken while the server runs must show the episodes' alone: no os
// sandboxes started ahead (src/envs/lib/sandbox/pool.ts; its own test checks that close frees them)
process.env.AGENTTUNE_OS_POOL = "0";

describe("many OpenEnv sessions at once", () => {
  it("plays 256 concurrent alfworld sessions to reward 1 and keeps no session", async () => {
    const file = join(tmpdir(), `openenv-load-${process.pid}-alfworld.jsonl`);
    await generateTasksFile({ env: "alfworld", count: 16, seed: 3, out: file });
    const tasks: unknown[] = [];
    for await (const task of getEnvSpec("alfworld").loadTasks(file)) tasks.push(task);
    const running = await serveOpenEnv({
      tasks: { alfworld: { env: "alfworld", tasks: file, capacity: 4 } },
      port: 0,
      maxConcurrentEnvs: 256,
    });
    try {
      const before = resources();
      const rewards = await playConcurrently(running.url, "alfworld", 256, tasks);
      expect(rewards.filter((r) => r === 1).length).toBe(256);
      await waitFor(() => running.server.sessionCount === 0, 10_000);
      expect(running.server.sessionCount).toBe(0);
      expect(resources()).toEqual(before);
    } finally {
      await running.close();
    }
  }, 300_000);

  describe.skipIf(!sandboxAvailable)("on os", () => {
    const config = {
      env: "os",
      tasks: resolve("test/fixtures/os_interaction/sample.json"),
      scripts: resolve("test/fixtures/os_interaction/scripts"),
      capacity: 4,
    };
    const osTasks = async () => {
      const tasks: unknown[] = [];
      for await (const task of getEnvSpec("os").loadTasks(config.tasks, { scripts: config.scripts }))
        tasks.push(task);
      return tasks;
    };

    it("plays 64 concurrent os sessions to reward 1 and leaves no process, cgroup or folder", async () => {
      const running = await serveOpenEnv({ tasks: { os: config }, port: 0, maxConcurrentEnvs: 64 });
      try {
        const before = resources();
        const rewards = await playConcurrently(running.url, "os", 64, await osTasks());
        expect(rewards.filter((r) => r === 1).length).toBe(64);
        const same = () => JSON.stringify(resources()) === JSON.stringify(before);
        await waitFor(same, 10_000);
        expect(resources()).toEqual(before);
        expect(running.server.sessionCount).toBe(0);
      } finally {
        await running.close();
      }
    }, 600_000);

    it("frees the sandbox of a client that disconnects mid-episode within 1 s", async () => {
      const running = await serveOpenEnv({ tasks: { os: config }, port: 0 });
      try {
        const before = resources();
        const client = await TestClient.connect(running.url);
        await client.observe("reset", { index: 0 });
        await client.observe("step", {
          type: "call_tool",
          tool_name: "bash_action",
          arguments: { script: "sleep 300 & echo started" },
        });
        expect(resources().processes).toBeGreaterThan(before.processes);
        const gone = new Promise((done) => client.ws.once("close", done));
        client.ws.terminate();
        await gone;
        const freedMs = await waitFor(() => {
          const now = resources();
          return now.processes === before.processes && now.cgroups === before.cgroups;
        }, 5_000);
        expect(resources()).toEqual(before);
        expect(freedMs).toBeLessThan(1_000);
        expect(running.server.sessionCount).toBe(0);
      } finally {
        await running.close();
      }
    }, 120_000);
  });
});
