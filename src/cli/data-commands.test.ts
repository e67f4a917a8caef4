// The data factory's commands as a user runs them, chained on real files.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dbSpec } from "../envs/db/spec.js";
import type { DbTask } from "../envs/db/tasks.js";
import { startMockOpenAIServer } from "../models/test-helpers/mock-openai-server.js";
import { agenttune } from "./test-helpers/run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "data-cli-"));

describe("data commands", () => {
  it("generate → collect (HTTP teacher, usage and cost) → filter → rationale → decontam → convert → stats", async () => {
    const tasksFile = join(dir, "tasks.jsonl");
    expect(
      (await agenttune("tasks", "generate", "--env", "db", "--count", "6", "--out", tasksFile)).code,
    ).toBe(0);
    const tasks = new Map<string, DbTask>();
    for await (const task of dbSpec.loadTasks(tasksFile)) tasks.set(task.description, task);

    // a teacher named like a known model: half its episodes go wrong on purpose
    let episode = 0;
    const server = await startMockOpenAIServer({
      reply: (request) => {
        const prompt = request.messages[0]?.content ?? "";
        if (prompt.startsWith("Below is an agent's conversation"))
          return "Thought: this is the step the task needs.";
        const task = tasks.get((request.messages[2]?.content ?? "").split("\n")[0] ?? "") as DbTask;
        if (request.messages.length === 3) episode++;
        return episode % 2 ? dbSpec.oracle(task).reply(request.messages as never) : "I give up.";
      },
    });
    try {
      const runDir = join(dir, "collect");
      const collect = await agenttune(
        "collect",
        "--env",
        "db",
        "--tasks",
        tasksFile,
        "--model",
        `${server.baseURL}#gpt-4o-mini`,
        "--out",
        runDir,
        "--concurrency",
        "1",
      );
      expect(collect.code).toBe(0);
      expect(collect.stdout).toMatch(
        /db: 6 trajectories, success 50\.0%, \d+ prompt \+ \d+ completion tokens, about \$0\.\d{4}/,
      );
      expect(JSON.parse(readFileSync(join(runDir, "summary.json"), "utf8")).costUsd).toBeGreaterThan(0);

      const kept = join(dir, "kept.jsonl");
      const filter = await agenttune("filter", "--in", runDir, "--out", kept);
      expect(filter.stdout).toContain("kept 3, rejected 3 (by rule: reward 3, format 3)");

      const thoughts = join(dir, "thoughts.jsonl");
      const rationale = await agenttune(
        "rationale",
        "--in",
        kept,
        "--model",
        `${server.baseURL}#writer`,
        "--out",
        thoughts,
      );
      expect(rationale.stdout).toMatch(/^3 trajectories: \d+ thoughts written, 0 kept, 0 failed/);
      expect(readFileSync(thoughts, "utf8")).toContain("this is the step the task needs.\\nAction: ");
    } finally {
      await server.close();
    }

    const decontam = await agenttune(
      "decontam",
      "--train",
      join(dir, "thoughts.jsonl"),
      "--eval",
      `db=${tasksFile}`,
      "--out",
      join(dir, "clean.jsonl"),
    );
    expect(decontam.stdout).toMatch(/13-gram overlap with 6 eval tasks\ndb: \d+\/3 contaminated/);

    const converted = await agenttune(
      "dataset",
      "convert",
      "--in",
      join(dir, "thoughts.jsonl"),
      "--to",
      "agentinstruct",
      "--out",
      join(dir, "ai"),
    );
    expect(converted.stdout).toContain("AgentInstruct: db 3");
    const stats = await agenttune("dataset", "stats", join(dir, "ai"));
    expect(stats.stdout).toMatch(/^env\s+records.*\ndb\s+3\s/);
    const openai = await agenttune(
      "dataset",
      "convert",
      "--in",
      join(dir, "ai"),
      "--to",
      "openai",
      "--out",
      join(dir, "openai.jsonl"),
    );
    expect(openai.stdout).toContain("3 records");
    expect(
      JSON.parse(readFileSync(join(dir, "openai.jsonl"), "utf8").split("\n")[0] ?? "").messages[1],
    ).toEqual({
      role: "assistant",
      content: "Ok.",
      weight: 0,
    });
  });

  it.each([
    ["envs: [db", /^agenttune: .*bad\.yaml:\d+: invalid YAML/],
    ["envs: {}", /^agenttune: .*bad\.yaml:2: envs: name at least one env/],
    ["envs:\n  chess:\n    count: 3", /^agenttune: unknown env "chess"/],
    ["envs:\n  db:\n    count: -1", /^agenttune: .*bad\.yaml:4: envs\.db\.count:/],
    // a typo must not fall back to the oracle teacher in silence
    [
      "teachr: openai:gpt-4\nenvs:\n  db:\n    count: 3",
      /^agenttune: .*bad\.yaml:2: teachr: unknown key \(did you mean "teacher"\?\)/,
    ],
  ])("pipeline config %j fails in one line", async (yaml, message) => {
    const file = join(dir, "bad.yaml");
    writeFileSync(file, `out: ${join(dir, "bad-out")}\n${yaml}\n`);
    const { code, stderr } = await agenttune("pipeline", "--config", file);
    expect(code).toBe(1);
    expect(stderr).toMatch(message);
  });
});
