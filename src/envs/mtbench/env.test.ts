// The mtbench env against FastChat's llm_judge (common.py run_judge_single, temperature_config,
// show_result) as AgentTuning ran it (eval_general/eval_mt_bench_tgi.py): answers through the mock
// OpenAI server, grades by a scripted judge.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { benchmarksDir } from "../../../test/helpers/backends.js";
import type { Trajectory } from "../../core/index.js";
import { runEval } from "../../eval/index.js";
import {
  type MockOpenAIServer,
  startMockOpenAIServer,
} from "../../models/test-helpers/mock-openai-server.js";
import { judgePromptName, parseRating, pythonFormat } from "./judge.js";
import { loadMtbenchTasks } from "./tasks.js";

const fixture = "test/fixtures/mtbench/question.jsonl";
const dir = mkdtempSync(join(tmpdir(), "mtbench-"));

describe("mtbench grading rules", () => {
  it("fills judge prompts as str.format, reads [[x]] then [x], -1 without", () => {
    expect(pythonFormat("Q: {question} {{literal}}", { question: "why?" })).toBe("Q: why? {literal}");
    expect(() => pythonFormat("{missing}", {})).toThrow(/KeyError 'missing'/);
    expect(parseRating("Clear and correct. Rating: [[8]]")).toBe(8);
    expect(parseRating("Rating: [[7.5]] (was [3])")).toBe(7.5);
    expect(parseRating("I give it [6].")).toBe(6);
    expect(parseRating("Rating: 9/10")).toBe(-1);
    expect(judgePromptName("writing", 1)).toBe("single-v1");
    expect(judgePromptName("coding", 2)).toBe("single-math-v1-multi-turn");
  });
});

describe("mtbench files", () => {
  it("rejects a question of the wrong shape, and a reference-judged one without its reference", async () => {
    const bad = join(dir, "bad");
    mkdirSync(bad, { recursive: true });
    writeFileSync(
      join(bad, "question.jsonl"),
      '{"question_id": 1, "category": "writing", "turns": ["a"]}\n{"question_id": 2, "category": "writing"}\n',
    );
    const read = async (file: string) => {
      for await (const _ of loadMtbenchTasks(file));
    };
    await expect(read(join(bad, "question.jsonl"))).rejects.toThrow(/question\.jsonl:2: turns: /);
    writeFileSync(join(bad, "question.jsonl"), '{"question_id": 7, "category": "math", "turns": ["1+1?"]}\n');
    await expect(read(join(bad, "question.jsonl"))).rejects.toThrow(
      /question\.jsonl:1: question 7 \(math\) is judged against GPT-4's reference answer, not found in .*reference_answer\/gpt-4\.jsonl/,
    );
  });
});

describe("mtbench episodes", () => {
  let model: MockOpenAIServer;
  let judge: MockOpenAIServer;
  beforeAll(async () => {
    model = await startMockOpenAIServer({ reply: (request) => `  answer ${request.messages.length}  \n` });
    // a judge that rates second turns with the backup pattern and refuses one question
    judge = await startMockOpenAIServer({
      reply: (request) => {
        const user = request.messages.at(-1)?.content ?? "";
        if (user.includes("Why is the sky blue?") && !user.includes("<Q1>")) return "No rating today.";
        return user.includes("<Q1>") ? "Fine. [6]" : "Good. Rating: [[8]]";
      },
    });
  });
  afterAll(async () => {
    await model.close();
    await judge.close();
  });

  it("answers both turns at the category's temperature, then grades each with FastChat's prompts", async () => {
    const out = join(dir, "fixture");
    const summary = await runEval({
      env: "mtbench",
      tasks: fixture,
      model: `${model.baseURL}#tiny`,
      judge: `${judge.baseURL}#grader`,
      out,
      progress: false,
    });
    // ratings: writing 8 and 6, math 8 and 6, stem -1 (left out) and 6
    expect(summary.metrics).toEqual({
      score: (8 + 6 + 8 + 6 + 6) / 5,
      turn1: 8,
      turn2: 6,
      questions: 3,
      unrated: 1,
      "score/math": 7,
      "score/stem": 6,
      "score/writing": 7,
    });
    const asked = model.requests.map((r) => [r.messages.at(-1)?.content, r.temperature, r.max_tokens]);
    expect(asked).toEqual(
      expect.arrayContaining([
        ["Write a two-line poem about tea.", 0.7, 4096],
        ["Now make it rhyme.", 0.7, 4096],
        ["What is 17 * 3?", 0, 4096],
        ["Why is the sky blue?", 0.1, 4096],
      ]),
    );
    // the second turn carries the first answer, stripped (conv.messages[-1][-1] = output.strip())
    const second = model.requests.find((r) => r.messages.at(-1)?.content === "Now make it rhyme.");
    expect(second?.messages.map((m) => [m.role, m.content])).toEqual([
      ["system", "You are a helpful, respectful and honest assistant."],
      ["user", "Write a two-line poem about tea."],
      ["assistant", "answer 2"],
      ["user", "Now make it rhyme."],
    ]);
    // math is judged against the reference answer, at temperature 0 with 2,048 tokens
    const math = judge.requests.filter((r) => r.messages[0]?.content.startsWith("You grade the second math"));
    expect(math[0]?.messages[1]?.content).toBe(
      "<Q1>What is 17 * 3?</Q1><R1>17 * 3 = 51.</R1><A1>answer 2</A1><Q2>And 17 * 30?</Q2><R2>17 * 30 = 510.</R2><A2>answer 4</A2>",
    );
    expect(math[0]).toMatchObject({ temperature: 0, max_tokens: 2048 });
    const results = readFileSync(join(out, "results.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Trajectory);
    const stem = results.find((r) => r.taskId === "3");
    expect(stem).toMatchObject({ failure: "invalid_format", info: { ratings: [-1, 6] } });
  });

  it("needs a judge, and says so", async () => {
    await expect(
      runEval({
        env: "mtbench",
        tasks: fixture,
        model: "oracle",
        out: join(dir, "nojudge"),
        progress: false,
      }),
    ).rejects.toThrow(/mtbench: pass --judge MODEL/);
  });

  it.skipIf(!benchmarksDir())("runs the 80 questions of the shared MT-Bench end to end", async () => {
    const tasks = join(benchmarksDir() as string, "general", "mt_bench", "question.jsonl");
    const summary = await runEval({
      env: "mtbench",
      tasks,
      model: "oracle",
      judge: `${judge.baseURL}#grader`,
      out: join(dir, "shared"),
      progress: false,
    });
    expect(summary.metrics).toMatchObject({ questions: 80, score: 8, turn1: 8, turn2: 8, unrated: 0 });
    expect(Object.keys(summary.metrics).filter((k) => k.startsWith("score/"))).toHaveLength(8);
    // the reference-judged categories got FastChat's math prompts, with GPT-4's answers in them
    const shared = judge.requests.slice(-160).map((r) => r.messages[1]?.content ?? "");
    const withReference = shared.filter((text) =>
      /\[The Start of Reference Answer\]|<\|The Start of Reference Answer\|>/.test(text),
    );
    expect(withReference).toHaveLength(30 * 2);
    // every field filled: no {question}, {answer_2}, {ref_answer_1} left in a prompt
    expect(shared.filter((text) => /\{(question|answer|ref_answer)\w*\}/.test(text))).toEqual([]);
  });
});
