import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { oracleModel, runEpisode } from "../../agent/index.js";
import type { ChatModel } from "../../models/index.js";
import type { EnvBackend } from "../types.js";
import { observationLimit } from "./prompt.js";
import { dbSpec } from "./spec.js";
import type { DbTask } from "./tasks.js";
import { dbBackends } from "./test-backends.js";

const fixture = fileURLToPath(new URL("../../../test/fixtures/dbbench-sample.jsonl", import.meta.url));

async function loadFixture(): Promise<DbTask[]> {
  const tasks: DbTask[] = [];
  for await (const task of dbSpec.loadTasks(fixture)) tasks.push(task);
  return tasks;
}

const replies = (...texts: string[]): ChatModel => {
  let i = 0;
  return { id: "test", complete: async () => ({ text: texts[i++] ?? "" }) };
};
const sql = (statement: string) => `Let me look.\nAction: Operation\n\`\`\`sql\n${statement}\n\`\`\``;
const answer = (value: string) => `Done.\nAction: Answer\nFinal Answer: ${value}`;

describe.each(dbBackends)("db env on %s", (backendName) => {
  let backend: EnvBackend<DbTask>;
  let tasks: DbTask[];
  beforeAll(async () => {
    tasks = await loadFixture();
    backend = await dbSpec.open({ backend: backendName });
  });
  afterAll(() => backend?.close());

  it("loads dbbench records with line indexes as ids", () => {
    expect(tasks.map((t) => t.id)).toEqual(["0", "1", "2", "3", "4", "5", "6", "7"]);
  });

  it("the oracle scores reward 1 on every fixture task, including odd table names", async () => {
    const model = oracleModel(dbSpec);
    for (const task of tasks) {
      const result = await runEpisode({ spec: dbSpec, backend, task, model });
      expect({ id: task.id, success: result.success, failure: result.failure }).toEqual({
        id: task.id,
        success: true,
      });
    }
  });

  it("a table the server refuses (two columns named alike) leaves the episode going, as in AgentBench", async () => {
    const task = dbSpec.taskSchema.parse({
      description: "What is the score of Bob?",
      type: ["other"],
      label: ["3"],
      table: {
        table_name: "Scores",
        table_info: {
          columns: [{ name: "Name" }, { name: "Score" }, { name: "Score" }],
          rows: [["Bob", "3", "4"]],
        },
      },
    });
    const result = await runEpisode({
      spec: dbSpec,
      backend,
      task,
      model: replies(sql("SELECT * FROM Scores"), answer('["3"]')),
      infrastructureFailures: "throw", // an init error must not count as a backend failure
    });
    expect(result).toMatchObject({ success: true, turns: 2 });
    expect(result.messages[4]?.content).toMatch(/Scores/); // the query's error, shown as AgentBench shows it
  });

  it("follows AgentBench's conversation: instruction, Ok., task, then raw results", async () => {
    const task = tasks[0] as DbTask;
    const result = await runEpisode({
      spec: dbSpec,
      backend,
      task,
      model: replies(sql("SELECT Gold FROM `Medal Table` WHERE Nation = 'Canada'"), answer('["4"]')),
    });
    expect(result.messages.slice(1, 3).map((m) => m.content)).toEqual([
      "Ok.",
      `${task.description}\n${task.add_description}`,
    ]);
    expect(result.messages[4]?.content).toBe("[('4',)]");
    expect(result).toMatchObject({ success: true, reward: 1, turns: 2 });
  });

  it("returns SQL errors to the agent as MySQL's error text", async () => {
    const result = await runEpisode({
      spec: dbSpec,
      backend,
      task: tasks[0] as DbTask,
      model: replies(sql("SELEC Gold FROM `Medal Table`"), answer('["5"]')),
    });
    expect(result.messages[4]?.content).toMatch(/^1064 \(42000\): You have an error in your SQL syntax/);
    expect(result).toMatchObject({ success: false, failure: "wrong_answer" });
  });

  it("truncates long results at 800 characters", async () => {
    const result = await runEpisode({
      spec: dbSpec,
      backend,
      task: tasks[0] as DbTask,
      model: replies(
        sql("SELECT a.Nation, b.Nation, c.Nation FROM `Medal Table` a, `Medal Table` b, `Medal Table` c"),
        answer("[]"),
      ),
    });
    const observation = result.messages[4]?.content ?? "";
    expect(observation).toHaveLength(observationLimit + "[TRUNCATED]".length);
    expect(observation.endsWith("[TRUNCATED]")).toBe(true);
  });

  it("labels a reply without an action invalid_format and ends the episode", async () => {
    const result = await runEpisode({
      spec: dbSpec,
      backend,
      task: tasks[0] as DbTask,
      model: replies("SELECT 1"),
    });
    expect(result).toMatchObject({ success: false, failure: "invalid_format", turns: 1 });
  });

  it("allows five operations, then needs the answer", async () => {
    const op = sql("SELECT 1");
    const ok = await runEpisode({
      spec: dbSpec,
      backend,
      task: tasks[0] as DbTask,
      model: replies(op, op, op, op, op, answer('["4"]')),
    });
    expect(ok).toMatchObject({ success: true, turns: 6 });
    const over = await runEpisode({
      spec: dbSpec,
      backend,
      task: tasks[0] as DbTask,
      model: replies(op, op, op, op, op, op),
    });
    expect(over).toMatchObject({ success: false, failure: "round_limit", turns: 6 });
  });

  it("scores modifying tasks by the table hash, whatever the answer text", async () => {
    const task = tasks[5] as DbTask;
    const wrong = await runEpisode({
      spec: dbSpec,
      backend,
      task,
      model: replies(sql("INSERT INTO `Medal Table` VALUES ('Korea', '1', '2', '4')"), answer('["done"]')),
    });
    expect(wrong).toMatchObject({ success: false, failure: "wrong_answer" });
    const right = await runEpisode({
      spec: dbSpec,
      backend,
      task,
      model: replies(sql("INSERT INTO `Medal Table` VALUES ('Korea', '1', '2', '3')"), answer("anything")),
    });
    expect(right).toMatchObject({ success: true, reward: 1 });
  });
});
