// The gsm8k env against AgentTuning's eval_general/eval_gsm8k_tgi.py: its conversation (doc_to_text),
// its answer rules (clean_answer, extract_answer, extract_answer_hf) and the strict variant, and the
// gold solutions scoring 100% on the shared GSM8K sample through the eval runner.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { benchmarksDir } from "../../../test/helpers/backends.js";
import { runEval } from "../../eval/index.js";
import { cleanCompletion, goldAnswer, lossyPrediction, strictPrediction } from "./answer.js";
import { checkoutShots, gsm8kInstruction, gsm8kMessages, gsm8kSystem, ownShots } from "./prompt.js";
import { goldSolution, gsm8kSpec } from "./spec.js";
import { loadGsm8kTasks } from "./tasks.js";

const dir = mkdtempSync(join(tmpdir(), "gsm8k-"));

describe("gsm8k answer rules", () => {
  it("reads the gold number after ####, commas dropped, as Python's eval", () => {
    expect(goldAnswer("so 5 + 3 = 8\n#### 8")).toBe(8);
    expect(goldAnswer("#### 1,250")).toBe(1250);
    expect(goldAnswer("#### -3")).toBe(-3);
    expect(goldAnswer("#### 2.5")).toBe(2.5);
    expect(goldAnswer("#### 07")).toBeUndefined(); // SyntaxError in Python 3
    expect(goldAnswer("the answer is 8")).toBeUndefined();
  });

  it("predicts the last run of digits of the reply cut at 'Question:' (signs, commas, decimals lost)", () => {
    expect(lossyPrediction(cleanCompletion("3 + 5 = 8.\nThe answer is 8\n\nQuestion: next 99"))).toBe(8);
    expect(lossyPrediction("He earns $20,800 a year")).toBe(800);
    expect(lossyPrediction("It drops to -4 degrees")).toBe(4);
    expect(lossyPrediction("about 2.75 liters")).toBe(75);
    expect(lossyPrediction("the code is 07")).toBeUndefined();
    expect(lossyPrediction("no idea")).toBeUndefined();
    // the strict variant keeps what the original loses
    expect(strictPrediction("He earns $20,800 a year")).toBe(20800);
    expect(strictPrediction("It drops to -4 degrees")).toBe(-4);
    expect(strictPrediction("about 2.75 liters")).toBe(2.75);
  });

  it("scores a reply by both rules; the reward is the original's", async () => {
    const backend = await gsm8kSpec.open();
    const env = await backend.create({ question: "q", answer: "#### 20800", id: "x" });
    await env.reset();
    const result = await env.step("So he makes $20,800 more.\nThe answer is 20,800");
    expect(result).toMatchObject({ reward: 0, done: true, failure: "wrong_answer" });
    expect(result.info).toMatchObject({
      prediction: 800,
      strictPrediction: 20800,
      correct: false,
      strictCorrect: true,
    });
  });
});

describe("gsm8k conversation (doc_to_text)", () => {
  it("Llama-2 system message, the instruction answered 'Ok.', 8 examples, then the question", async () => {
    const shots = await ownShots();
    expect(shots).toHaveLength(8);
    const messages = gsm8kMessages(shots, "How many?");
    expect(messages.slice(0, 3)).toEqual([
      { role: "system", content: gsm8kSystem },
      { role: "user", content: gsm8kInstruction },
      { role: "assistant", content: "Ok." },
    ]);
    expect(messages).toHaveLength(3 + 16 + 1);
    expect(messages.at(-1)).toEqual({ role: "user", content: "\nQuestion: How many?" });
    for (const shot of shots) {
      expect(shot.question).toMatch(/^Question: /);
      expect(shot.answer).toMatch(/^Let's think step by step\.\n[\s\S]*\nThe answer is \d+$/);
      // every shipped example is right by the rule it teaches
      expect(lossyPrediction(shot.answer)).toBe(Number(/The answer is (\d+)$/.exec(shot.answer)?.[1]));
    }
  });

  it("takes Q1…Q8 and A1…A8 from an AgentTuning checkout", () => {
    const { shots, file } = checkoutShots("test/fixtures/agenttuning");
    expect(file).toMatch(/eval_general\/eval_gsm8k_tgi\.py$/);
    expect(shots[0]).toEqual({
      question: "Question: Ann has 3 pens and buys 4 more. How many pens does she have?",
      answer: "Let's think step by step.\n3 + 4 = 7.\nThe answer is 7",
    });
    expect(shots).toHaveLength(8);
    expect(() => checkoutShots(dir)).toThrow(/eval_gsm8k_tgi\.py: missing from the AgentTuning checkout/);
  });

  it("rejects a record without its #### line, naming file, line and field", async () => {
    const file = join(dir, "bad.jsonl");
    writeFileSync(file, '{"question": "a", "answer": "#### 1"}\n{"question": "b", "answer": "two"}\n');
    const read = async () => {
      for await (const _ of loadGsm8kTasks(file));
    };
    await expect(read()).rejects.toThrow(/bad\.jsonl:2: answer: no "#### <number>" line/);
  });
});

describe.skipIf(!benchmarksDir())("gsm8k on the shared GSM8K sample", () => {
  it("a model that writes each gold solution scores 100% on the 200 problems", async () => {
    const tasks = join(benchmarksDir() as string, "general", "gsm8k", "train-200.jsonl");
    const summary = await runEval({
      env: "gsm8k",
      tasks,
      model: "oracle",
      out: join(dir, "oracle"),
      progress: false,
    });
    expect(summary.metrics).toEqual({ accuracy: 100, accuracy_strict: 100, questions: 200 });
    for await (const task of loadGsm8kTasks(tasks)) expect(goldSolution(task)).not.toContain("<<");
  });
});
