// The pipeline end to end: oracle teacher, a scripted failing teacher, and kill -9 + resume.
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { readJsonlAll } from "../core/index.js";
import { dbSpec } from "../envs/db/spec.js";
import type { DbTask } from "../envs/db/tasks.js";
import { startMockOpenAIServer } from "../models/test-helpers/mock-openai-server.js";
import { readAgentInstruct } from "./formats/index.js";
import { runPipeline } from "./pipeline.js";
import { parsePipelineConfig } from "./pipeline-config.js";

const dir = mkdtempSync(join(tmpdir(), "pipeline-"));
const main = fileURLToPath(new URL("../cli/main.ts", import.meta.url));
const quiet = () => {};

describe("pipeline", () => {
  it("builds an AgentInstruct dataset with the oracle teacher, with stats and decontamination reports", async () => {
    const out = join(dir, "oracle");
    const evalFile = join(dir, "eval.jsonl");
    // the eval set shares one (long) task with the training data: decontamination must find it
    const config = parsePipelineConfig(
      { out, envs: { db: { count: 12 } }, decontam: { eval: [`db=${evalFile}`] } },
      "test",
    );
    const { generateTasksFile } = await import("./generate-tasks.js");
    await generateTasksFile({ env: "db", count: 12, seed: 1, out: evalFile });
    const result = await runPipeline({ config, log: quiet, progress: false });
    expect(result.complete).toBe(true);
    expect(result.generate.db).toMatchObject({ verified: 12 });
    expect(result.filter.db).toMatchObject({ kept: 12, rejected: 0 });
    expect(result.decontam?.perEnv.db?.contaminated).toBeGreaterThan(0); // same seed: the long INSERT texts overlap
    const records = await readAgentInstruct(join(out, "agentinstruct", "db.jsonl"));
    expect(records).toHaveLength(12 - (result.decontam?.perEnv.db?.contaminated ?? 0));
    expect(records[0]?.id).toBe("db_0");
    expect(records[0]?.conversations.map((c) => c.loss)).toEqual([null, false, null, true, null, true]);
    const stats = JSON.parse(readFileSync(join(out, "reports", "stats.json"), "utf8"));
    expect(stats.perEnv.db.records).toBe(records.length);
    expect(JSON.parse(readFileSync(join(out, "reports", "decontam.json"), "utf8")).n).toBe(13);

    // a second run skips every finished stage and ends with the same dataset
    const before = readFileSync(join(out, "agentinstruct", "db.jsonl"), "utf8");
    const lines: string[] = [];
    await runPipeline({ config, log: (l) => lines.push(l), progress: false });
    expect(lines.filter((l) => l.startsWith("done already")).length).toBe(3);
    expect(readFileSync(join(out, "agentinstruct", "db.jsonl"), "utf8")).toBe(before);
    await expect(
      runPipeline({ config: { ...config, teacher: "openai:x" }, log: quiet, progress: false }),
    ).rejects.toThrow(/holds a pipeline run with another config/);
  });

  it("filters out a scripted teacher's failing trajectories with the right reasons", async () => {
    const out = join(dir, "scripted");
    const script = join(dir, "teacher.jsonl");
    // task ids are deterministic: gen-<seed>-<n>
    const sql = "Action: Operation\n```sql\nSELECT 1\n```";
    writeFileSync(
      script,
      [
        { taskId: "gen-1-0", replies: ['I think.\nAction: Answer\nFinal Answer: ["nothing"]'] },
        { taskId: "gen-1-1", replies: ["no idea"] },
        { taskId: "gen-1-2", replies: [sql, sql, sql, sql, sql, sql] },
      ]
        .map((l) => JSON.stringify(l))
        .join("\n"),
    );
    const config = parsePipelineConfig(
      { out, teacher: `scripted:${script}`, envs: { db: { count: 4 } } },
      "test",
    );
    const result = await runPipeline({ config, log: quiet, progress: false });
    expect(result.filter.db).toMatchObject({ kept: 0, rejected: 4 });
    const rejectionSchema = z.object({
      taskId: z.string(),
      reasons: z.array(z.object({ rule: z.string(), detail: z.string() })),
    });
    const rejected = (await readJsonlAll(join(out, "filtered", "db.rejected.jsonl"), rejectionSchema)).map(
      (r) => r.value,
    );
    const reasons = Object.fromEntries(rejected.map((r) => [r.taskId, r.reasons.map((x) => x.detail)]));
    expect(reasons["gen-1-0"]).toEqual(["reward 0 < 1", "failure: wrong_answer"]);
    expect(reasons["gen-1-1"]).toEqual([
      "reward 0 < 1",
      "failure: invalid_format",
      'message 3: no "Action: Operation" with sql and no "Final Answer:"',
    ]);
    expect(reasons["gen-1-2"]).toEqual(["reward 0 < 1", "failure: round_limit"]);
    expect(reasons["gen-1-3"]).toEqual(["reward 0 < 1", "failure: model_error"]); // no script: recorded, not dropped
    expect(result.dataset.splits).toEqual({});
  });

  it("killed with kill -9 at any point and restarted, ends with exactly the dataset of an unbroken run", async () => {
    // A teacher behind real HTTP that answers like the oracle, slowly enough to be killed mid-collection.
    const tasks = new Map<string, DbTask>();
    const server = await startMockOpenAIServer({
      delayMs: 20,
      reply: (request) => {
        const text = request.messages[2]?.content ?? "";
        const task = tasks.get(text.split("\n")[0] ?? "");
        return task ? dbSpec.oracle(task).reply(request.messages as never) : "?";
      },
    });
    try {
      const configFor = (out: string) => {
        const file = join(dir, `${out}.yaml`);
        writeFileSync(
          file,
          `out: ${join(dir, out)}\nteacher: ${server.baseURL}#teacher\nconcurrency: 2\nenvs:\n  db:\n    count: 16\n`,
        );
        return file;
      };
      const run = (config: string) =>
        promisify(execFile)(process.execPath, ["--import", "tsx", main, "pipeline", "--config", config]);
      const { generateDbTasks } = await import("../envs/db/generate.js");
      for await (const task of generateDbTasks({ count: 48, seed: 1 })) tasks.set(task.description, task);

      await run(configFor("unbroken"));
      const killedConfig = configFor("killed");
      let kills = 0;
      let midCollection = 0;
      const collected = () => {
        try {
          return (
            readFileSync(join(dir, "killed", "trajectories", "db", "trajectories.jsonl"), "utf8").split("\n")
              .length - 1
          );
        } catch {
          return 0;
        }
      };
      // kill once early (tasks stage), then each time collection has passed a mark
      for (const mark of [-1, 3, 8, 12]) {
        const child = spawn(
          process.execPath,
          ["--import", "tsx", main, "pipeline", "--config", killedConfig],
          { stdio: "ignore" },
        );
        let exitedAlready = false;
        const exited = new Promise((resolve) =>
          child.once("exit", () => {
            exitedAlready = true;
            resolve(undefined);
          }),
        );
        if (mark < 0) await new Promise((resolve) => setTimeout(resolve, 100));
        while (mark >= 0 && !exitedAlready && collected() < mark)
          await new Promise((resolve) => setTimeout(resolve, 5));
        if (!exitedAlready && child.kill("SIGKILL")) kills++;
        await exited;
        const n = collected();
        if (n > 0 && n < 16) midCollection++;
      }
      expect(kills).toBeGreaterThanOrEqual(3);
      expect(midCollection).toBeGreaterThanOrEqual(3); // kills landed in the middle of collection
      await run(killedConfig);
      for (const file of [
        "agentinstruct/db.jsonl",
        "reports/stats.json",
        "tasks/db.jsonl",
        "reports/filter-db.json",
      ]) {
        const unbroken = readFileSync(join(dir, "unbroken", file), "utf8").replaceAll("unbroken", "RUN");
        expect(readFileSync(join(dir, "killed", file), "utf8").replaceAll("killed", "RUN")).toBe(unbroken);
      }
      const trajectories = readFileSync(
        join(dir, "killed", "trajectories", "db", "trajectories.jsonl"),
        "utf8",
      )
        .trim()
        .split("\n");
      expect(new Set(trajectories.map((l) => JSON.parse(l).id)).size).toBe(16); // each episode exactly once
    } finally {
      await server.close();
    }
  });
});
