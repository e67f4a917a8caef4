// The mmlu env against AgentTuning's eval_general/eval_mmlu_hf.py: the CSVs read as pandas types their
// columns, the Llama-2 prompt ending " Answer: ", the prediction by first-token log-probabilities from
// an OpenAI-compatible server (and by the written letter without them), in both data layouts.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parquetWriteFile } from "hyparquet-writer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runEval } from "../../eval/index.js";
import {
  type MockOpenAIServer,
  startMockOpenAIServer,
} from "../../models/test-helpers/mock-openai-server.js";
import { letterFromLogprobs, letterFromText } from "./env.js";
import { pandasColumnText } from "./pandas-cells.js";
import { mmluMessages, mmluTextPrompt } from "./prompt.js";
import { loadMmluTasks, type MmluTask } from "./tasks.js";

const csvDir = "test/fixtures/mmlu/data";
const hfDir = "test/fixtures/mmlu/hf";
const dir = mkdtempSync(join(tmpdir(), "mmlu-"));

async function load(source: string): Promise<MmluTask[]> {
  const tasks: MmluTask[] = [];
  for await (const task of loadMmluTasks(source)) tasks.push(task);
  return tasks;
}

describe("mmlu data", () => {
  it("types each CSV column as pandas does before the prompt prints it", () => {
    expect(pandasColumnText(["10", "10"])).toEqual(["10", "10"]);
    expect(pandasColumnText(["NA", "7"])).toEqual(["nan", "7.0"]);
    expect(pandasColumnText(["3", "0.5", "1e-5"])).toEqual(["3.0", "0.5", "1e-05"]);
    expect(pandasColumnText(["5", "both", ""])).toEqual(["5", "both", "nan"]);
    expect(pandasColumnText(["007", "+3"])).toEqual(["7", "3"]);
    expect(pandasColumnText(["true", "False"])).toEqual(["True", "False"]);
  });

  it("loads the CSV layout: a task per test row with its subject's first 5 dev rows", async () => {
    const tasks = await load(csvDir);
    expect(tasks.map((t) => [t.id, t.answer, t.shots.length])).toEqual([
      ["elementary_mathematics/0", "D", 5],
      ["elementary_mathematics/1", "A", 5],
      ["world_religions/0", "B", 5],
    ]);
    // the test frame: B is float64 (11.5, 2.5), C and D float64 with NaN
    expect(tasks[0]?.choices).toEqual(["10", "11.5", "nan", "13.0"]);
    expect(tasks[1]?.choices).toEqual(["10", "2.5", "7.0", "nan"]);
    // the dev frame: A and B are float64 (a 0.5 and a 0.25), C and D objects ("both", "neither")
    expect(tasks[0]?.shots[0]?.choices).toEqual(["3.0", "4.0", "5", "6"]);
    expect(tasks[0]?.shots[4]?.question).toBe('Which is the largest, "0.5" or "0.25"?');
  });

  it("loads the Hugging Face layout (JSONL and parquet) with the cells as written", async () => {
    const tasks = await load(hfDir);
    expect(tasks.map((t) => [t.id, t.answer, t.shots.length])).toEqual([
      ["elementary_mathematics/0", "D", 5],
      ["elementary_mathematics/1", "A", 5],
      ["world_religions/0", "B", 5],
    ]);
    expect(tasks[0]?.choices).toEqual(["10", "11.5", "NA", "13"]);
    const parquet = join(dir, "parquet");
    mkdirSync(parquet);
    for (const split of ["dev", "test"]) {
      const rows = (await import("node:fs"))
        .readFileSync(join(hfDir, `${split}-00000-of-00001.jsonl`), "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      parquetWriteFile({
        filename: join(parquet, `${split}-00000-of-00001.parquet`),
        columnData: [
          { name: "question", data: rows.map((r) => r.question), type: "STRING" },
          { name: "subject", data: rows.map((r) => r.subject), type: "STRING" },
          { name: "choices", data: rows.map((r) => r.choices) },
          { name: "answer", data: rows.map((r) => r.answer), type: "INT32" },
        ],
      });
    }
    expect(await load(parquet)).toEqual(tasks);
  });

  it("names the file, line and field of a bad record", async () => {
    const bad = join(dir, "bad");
    mkdirSync(join(bad, "test"), { recursive: true });
    mkdirSync(join(bad, "dev"));
    writeFileSync(join(bad, "dev", "x_dev.csv"), "q,1,2,3,4,A\n");
    writeFileSync(join(bad, "test", "x_test.csv"), "q,1,2,3,4,A\nq2,1,2,3,4,E\n");
    await expect(load(bad)).rejects.toThrow(/x_test\.csv:2: answer: "E" is not A-D/);
    const hf = join(dir, "badhf");
    mkdirSync(hf);
    writeFileSync(
      join(hf, "test.jsonl"),
      '{"question": "q", "subject": "s", "choices": ["a", "b"], "answer": 0}\n',
    );
    await expect(load(hf)).rejects.toThrow(/test\.jsonl:1: choices: /);
  });
});

describe("mmlu prompt (generate_few_shot_prompt, eval_subject)", () => {
  it("is FastChat's Llama-2 text of the 5 shots and the question, then ' Answer: '", async () => {
    const [task] = await load(csvDir);
    const messages = mmluMessages(task as MmluTask);
    expect(messages[0]).toEqual({
      role: "system",
      content:
        "The following is a multiple-choice question about elementary mathematics. Please choose the most suitable one among A, B, C and D as the answer to this question.",
    });
    const text = mmluTextPrompt(messages);
    expect(
      text.startsWith(
        "[INST] <<SYS>>\nThe following is a multiple-choice question about elementary mathematics. Please choose the most suitable one among A, B, C and D as the answer to this question.\n<</SYS>>\n\nQuestion: What is 2 + 2?\nA. 3.0\nB. 4.0\nC. 5\nD. 6 [/INST] Answer: B </s><s>[INST] Question: What is 10 - 7?\n",
      ),
    ).toBe(true);
    expect(
      text.endsWith(
        "</s><s>[INST] Question: What is 5 + 6?\nA. 10\nB. 11.5\nC. nan\nD. 13.0 [/INST] Answer: ",
      ),
    ).toBe(true);
    // a question holding "Answer:" is cut there, as split("Answer:")[0] cuts it
    const religions = (await load(csvDir))[2] as MmluTask;
    expect(mmluMessages(religions).at(-1)?.content).toBe("Question:");
  });
});

describe("mmlu predictions", () => {
  let server: MockOpenAIServer;
  beforeAll(async () => {
    // a server that puts its weight on the right letter as " X" — and writes another letter
    const answers = new Map((await load(csvDir)).map((t) => [t.question, t.answer]));
    server = await startMockOpenAIServer({
      reply: () => "A",
      firstTokenLogprobs: (request) => {
        const prompt = request.prompt ?? "";
        const last = prompt.slice(prompt.lastIndexOf("[INST] ") + "[INST] ".length);
        const asked = /^Question: ([\s\S]*?)\nA\. /.exec(last)?.[1] ?? "";
        const right = answers.get(asked) ?? "C";
        return { [` ${right}`]: -0.1, " A": -2.5, Answer: -4, B: -6 };
      },
    });
  });
  afterAll(() => server.close());

  it("reads the letter from the first-token alternatives, else from the reply", () => {
    expect(letterFromLogprobs({ " B": -0.2, " A": -1.7, "\n": -3 })).toBe("B");
    expect(letterFromLogprobs({ "▁C": -0.5, D: -0.9 })).toBe("C");
    expect(letterFromLogprobs({ " The": -0.1 })).toBeUndefined();
    expect(letterFromText("B")).toBe("B");
    expect(letterFromText("The answer is (C).")).toBe("C");
    expect(letterFromText("Answer: D")).toBe("D");
    expect(letterFromText("I am not sure")).toBeUndefined();
  });

  it("by log-probabilities from a completions endpoint; the results record the mode", async () => {
    const summary = await runEval({
      env: "mmlu",
      tasks: csvDir,
      model: `${server.baseURL}#tiny`,
      out: join(dir, "logprobs"),
      progress: false,
    });
    // the question cut empty by its "Answer:" gets no weight on its letter: the mock answers C
    expect(summary.metrics).toMatchObject({
      accuracy: (100 * 2) / 3,
      questions: 3,
      predicted_by_logprobs: 3,
      predicted_by_letter: 0,
      "accuracy/elementary_mathematics": 100,
      "accuracy/world_religions": 0,
    });
    const request = server.requests.at(-1);
    expect(request).toMatchObject({ logprobs: 20, max_tokens: 16, temperature: 0 });
    expect(request?.prompt).toMatch(/ Answer: $/);
  });

  it("by the written letter without log-probabilities, and the oracle scores 100% in both layouts", async () => {
    const plain = await startMockOpenAIServer({ reply: () => " A" });
    try {
      const summary = await runEval({
        env: "mmlu",
        tasks: hfDir,
        model: `${plain.baseURL}#tiny`,
        out: join(dir, "letter"),
        progress: false,
      });
      expect(summary.metrics).toMatchObject({
        accuracy: 100 / 3,
        predicted_by_logprobs: 0,
        predicted_by_letter: 3,
      });
    } finally {
      await plain.close();
    }
    for (const [name, tasks] of [
      ["csv", csvDir],
      ["hf", hfDir],
    ]) {
      const oracle = await runEval({
        env: "mmlu",
        tasks: tasks as string,
        model: "oracle",
        out: join(dir, `oracle-${name}`),
        progress: false,
      });
      expect(oracle.metrics).toMatchObject({ accuracy: 100, questions: 3, predicted_by_letter: 3 });
    }
  });
});
