// The data stages one by one, on trajectories written by the tests.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Message, Trajectory } from "../core/index.js";
import type { ChatModel } from "../models/index.js";
import { estimateCostUsd, listPrices, modelName, parsePrice } from "./cost.js";
import { decontaminate, parseEvalSources } from "./decontam.js";
import { filterTrajectories, parseRules, rejectionReasons } from "./filter.js";
import { readTrajectories, writeTrajectories } from "./formats/index.js";
import { addRationales, cleanThought, splitReply } from "./rationale.js";
import { datasetStats } from "./stats.js";

const dir = mkdtempSync(join(tmpdir(), "stages-"));
const prefix: Message[] = [
  { role: "user", content: "instructions" },
  { role: "assistant", content: "Ok.", loss: false },
  {
    role: "user",
    content:
      "How many gold medals did the nation with the most silver medals win in the games of 1994?\nThe name of this table is t.",
  },
];
const op = "Action: Operation\n```sql\nSELECT Gold FROM t ORDER BY Silver DESC LIMIT 1\n```";
const answer = 'Action: Answer\nFinal Answer: ["4"]';

function trajectory(
  taskId: string,
  replies: (string | Message)[],
  extra: Partial<Trajectory> = {},
): Trajectory {
  const messages: Message[] = [...prefix];
  for (const reply of replies) {
    if (messages.at(-1)?.role === "assistant") messages.push({ role: "user", content: "[('4',)]" });
    messages.push(typeof reply === "string" ? { role: "assistant", content: reply } : reply);
  }
  return {
    id: `db/${taskId}/0`,
    env: "db",
    taskId,
    model: "test",
    messages,
    reward: 1,
    success: true,
    turns: replies.length,
    startedAt: "2026-01-01T00:00:00.000Z",
    durationMs: 1,
    ...extra,
  };
}

describe("filter", () => {
  const good = trajectory("1", [op, answer]);
  it("keeps a clean, rewarded trajectory", () => {
    expect(rejectionReasons(good)).toEqual([]);
  });

  it("names every broken rule", () => {
    expect(
      rejectionReasons(trajectory("2", [op, answer], { reward: 0, success: false, failure: "wrong_answer" })),
    ).toEqual([
      { rule: "reward", detail: "reward 0 < 1" },
      { rule: "reward", detail: "failure: wrong_answer" },
    ]);
    expect(rejectionReasons(trajectory("3", ["SELECT 1", answer]))[0]).toEqual({
      rule: "format",
      detail: 'message 3: no "Action: Operation" with sql and no "Final Answer:"',
    });
    expect(
      rejectionReasons(trajectory("4", [{ role: "assistant", content: op, truncated: true }, answer])),
    ).toEqual([{ rule: "truncation", detail: "message 3: cut at the token limit" }]);
    expect(rejectionReasons(trajectory("5", [op, op, op, op, op, op, answer]))).toEqual([
      { rule: "turns", detail: "7 turns > 6" },
    ]);
    expect(rejectionReasons(trajectory("6", [op, answer], { reward: 0.5 }), { minReward: 0.5 })).toEqual([]);
    expect(rejectionReasons(trajectory("7", ["SELECT 1", answer]), { rules: ["reward"] })).toEqual([]);
  });

  it("writes kept and rejected files in a stable order, counting by rule", async () => {
    const input = join(dir, "in.jsonl");
    writeTrajectories(input, [
      trajectory("10", ["nope"], { reward: 0, failure: "invalid_format" }),
      good,
      trajectory("2", [op, answer], { reward: 0 }),
    ]);
    const out = join(dir, "kept.jsonl");
    const report = await filterTrajectories({ input, out });
    expect(report).toMatchObject({
      kept: 1,
      rejected: 2,
      byRule: { reward: 2, format: 1 },
      perEnv: { db: { kept: 1, rejected: 2 } },
    });
    const rejected = readFileSync(join(dir, "kept.rejected.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(rejected.map((r) => r.taskId)).toEqual(["2", "10"]);
    expect(rejected[1].reasons.map((r: { rule: string }) => r.rule)).toEqual(["reward", "reward", "format"]);
    expect((await readTrajectories(out)).map((t) => t.taskId)).toEqual(["1"]);
  });

  it("rejects unknown rules and envs clearly", async () => {
    expect(() => parseRules("reward,speed")).toThrow(
      '--rules: unknown rule "speed": known rules are reward, format, truncation, turns',
    );
    const input = join(dir, "bad-env.jsonl");
    writeTrajectories(input, [{ ...good, env: "chess" }]);
    await expect(filterTrajectories({ input, out: join(dir, "x.jsonl") })).rejects.toThrow(
      /bad-env\.jsonl: trajectory db\/1\/0 \(#1\): env: unknown env "chess"/,
    );
  });
});

describe("rationale", () => {
  it("splits replies at the action line", () => {
    expect(splitReply(op)).toEqual({ thought: "", action: op });
    expect(splitReply(`I check the table.\n${op}`)).toEqual({ thought: "I check the table.", action: op });
    expect(
      cleanThought("Thought: The most silver medals decide it.\nAction: Operation\n```sql\nX\n```"),
    ).toBe("The most silver medals decide it.");
  });

  it("writes a thought before each bare action and keeps actions byte-identical", async () => {
    const input = join(dir, "bare.jsonl");
    writeTrajectories(input, [
      trajectory("1", [op, answer]),
      trajectory("2", [`Already reasoned.\n${op}`, answer]),
    ]);
    let calls = 0;
    const model: ChatModel = {
      id: "writer",
      complete: async (messages) => {
        calls++;
        const action = messages[0]?.content.split("The agent's next action:\n")[1] ?? "";
        return {
          text: action.startsWith("Action: Answer")
            ? "The result shows 4, so I answer."
            : "Thought: I sort by silver.",
        };
      },
    };
    const out = join(dir, "thoughts.jsonl");
    const report = await addRationales({ input, out, model });
    expect(report).toMatchObject({ trajectories: 2, rewritten: 3, skipped: 1, failed: 0 });
    expect(calls).toBe(3);
    const [first, second] = await readTrajectories(out);
    expect(first?.messages[3]?.content).toBe(`I sort by silver.\n${op}`);
    expect(first?.messages[5]?.content).toBe(`The result shows 4, so I answer.\n${answer}`);
    expect(second?.messages[3]?.content).toBe(`Already reasoned.\n${op}`);
  });

  it("keeps the original turn when the model keeps changing the action", async () => {
    const input = join(dir, "stubborn.jsonl");
    writeTrajectories(input, [trajectory("1", [op])]);
    const model: ChatModel = {
      id: "m",
      complete: async () => ({ text: "Action: Operation\n```sql\nDROP TABLE t\n```" }),
    };
    const report = await addRationales({ input, out: join(dir, "stubborn-out.jsonl"), model, attempts: 2 });
    expect(report).toMatchObject({ rewritten: 0, failed: 1 });
    expect(report.why).toEqual({
      "the reasoning contained an action line, which would change the action": 1,
    });
    expect(report.example).toBe("Action: Operation\n```sql\nDROP TABLE t\n```");
    expect((await readTrajectories(join(dir, "stubborn-out.jsonl")))[0]?.messages[3]?.content).toBe(op);
  });
});

describe("decontam", () => {
  it("finds 13-gram overlap with eval tasks and drops those records", async () => {
    const evalFile = join(dir, "eval.jsonl");
    const table = { table_name: "t", table_info: { columns: [{ name: "a" }], rows: [["1"]] } };
    writeFileSync(
      evalFile,
      `${JSON.stringify({ description: "how many gold medals did the nation with the most silver medals win in the games of 1994", type: ["other"], label: ["4"], table })}\n`,
    );
    const train = join(dir, "train.jsonl");
    const clean = trajectory("9", [op, answer]);
    clean.messages[2] = { role: "user", content: "Which nation won the fewest bronze medals?" };
    writeTrajectories(train, [trajectory("1", [op, answer]), clean]);
    const out = join(dir, "clean.jsonl");
    const report = await decontaminate({ train, evals: parseEvalSources(`db=${evalFile}`), out });
    expect(report.perEnv).toEqual({ db: { total: 2, contaminated: 1, rate: 0.5 } });
    expect(report.examples[0]).toMatchObject({
      id: "db/1/0",
      ngram: "how many gold medals did the nation with the most silver medals win",
    });
    expect((await readTrajectories(out)).map((t) => t.taskId)).toEqual(["9"]);
    expect(() => parseEvalSources("x.jsonl")).toThrow(/name the env as ENV=FILE/);
  });
});

describe("stats and cost", () => {
  it("counts turns, tokens and rewards per env", () => {
    const stats = datasetStats([trajectory("1", [op, answer]), trajectory("2", [answer], { reward: 0.55 })]);
    expect(stats.perEnv.db).toMatchObject({ records: 2, turns: { mean: 1.5, median: 1, max: 2 } });
    expect(stats.perEnv.db?.rewardHistogram).toEqual([0, 0, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(stats.perEnv.db?.tokens.trained).toBeGreaterThan(0);
  });

  it("estimates cost from usage", () => {
    expect(modelName("http://127.0.0.1:8000/v1#gpt-4o-mini")).toBe("gpt-4o-mini");
    expect(
      estimateCostUsd({ promptTokens: 1e6, completionTokens: 1e6 }, listPrices["gpt-4o-mini"]),
    ).toBeCloseTo(0.75);
    expect(
      estimateCostUsd({ promptTokens: 1000, completionTokens: 0 }, parsePrice("in=3,out=15")),
    ).toBeCloseTo(0.003);
    expect(estimateCostUsd(undefined, listPrices["gpt-4o"])).toBeUndefined();
    expect(() => parsePrice("3/15")).toThrow(/expected in=USD,out=USD/);
  });
});
