import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { chromiumAvailable } from "../../../test/helpers/chromium.js";
import { oracleModel, runEpisode } from "../../agent/index.js";
import type { Trajectory } from "../../core/index.js";
import type { ChatModel } from "../../models/index.js";
import {
  operationF1,
  operationString,
  parseMind2WebAnswer,
  predictedOperationString,
  questionPrompt,
} from "./protocol.js";
import { mind2webSpec, recordedMind2WebFile } from "./spec.js";
import { mind2webTaskSchema, type StepProblem, stepProblems } from "./tasks.js";

const fixture = fileURLToPath(new URL("../../../test/fixtures/mind2web/test_task_0.json", import.meta.url));
async function load(file: string): Promise<StepProblem[]> {
  const steps: StepProblem[] = [];
  for await (const step of mind2webSpec.loadTasks(file)) steps.push(step);
  return steps;
}
const say = (text: string): ChatModel => ({ id: "t", complete: async () => ({ text }) });

describe("mind2web", () => {
  it("loads Mind2Web's format into step problems with the split, previous actions and candidates", async () => {
    const steps = await load(fixture);
    expect(steps.map((s) => [s.id, s.previousActions.length, s.candidates.length, s.split])).toEqual([
      ["fixture-0001#0", 0, 3, "test_task"],
      ["fixture-0001#1", 1, 2, "test_task"],
    ]);
    expect(steps[0]?.candidates.find((c) => c.positive)?.snippet).toBe('<select name="from"></select>');
  });

  it("scores operations by token F1 and parses answers", () => {
    expect(operationF1("TYPE new york", "TYPE new york")).toBe(1);
    expect(operationF1("TYPE new york city", "TYPE new york")).toBeCloseTo((2 * (3 / 4) * 1) / (3 / 4 + 1));
    expect(operationF1("CLICK", "SELECT Oslo")).toBe(0);
    expect(parseMind2WebAnswer("Answer: C\nAction: SELECT\nValue: Oslo")).toEqual({
      letter: "C",
      op: "SELECT",
      value: "Oslo",
    });
    // AgentBench reads case-sensitively (mind2web/task.py:205-211): "Answer: c" is no answer
    expect(parseMind2WebAnswer("Answer: c\nAction: select\nValue: Oslo")).toBeUndefined();
    expect(parseMind2WebAnswer("I pick the button")).toBeUndefined();
    // the first "Answer:" counts, even inside the reasoning
    const reasoning = "So not Answer: A, I think.\nAnswer: D\nAction: CLICK\nValue: Submit";
    expect(parseMind2WebAnswer(reasoning)).toEqual({ letter: "A", op: "CLICK", value: "Submit" });
    // a CLICK's value is scored: "CLICK Submit" against the target "CLICK" gives F1 2/3
    expect(
      operationF1(predictedOperationString("CLICK", "Submit"), operationString("CLICK", "Submit")),
    ).toBeCloseTo(2 / 3);
    expect(operationF1(predictedOperationString("CLICK", ""), operationString("CLICK", "x"))).toBe(1);
  });

  it("offers the plain and the chain-of-thought prompt as backends, and names unknown ones", async () => {
    const [step] = await load(fixture);
    if (!step) throw new Error("fixture is empty");
    const plain = await mind2webSpec.open();
    const cot = await mind2webSpec.open({ backend: "multiple-choice-cot" });
    const prompt = async (backend: typeof plain) =>
      (await (await backend.create(step)).reset()).messages.at(-1)?.content ?? "";
    expect(await prompt(plain)).not.toContain("Think step by step");
    expect(await prompt(cot)).toContain("Think step by step");
    expect([plain.maxTokens, cot.maxTokens]).toEqual([undefined, 512]);
    await expect(mind2webSpec.open({ backend: "cot" })).rejects.toThrow(
      '--backend cot: mind2web knows "multiple-choice" and "multiple-choice-cot"',
    );
  });

  it("plays AgentBench's rounds: a lone candidate left (or the only one) is never shown", async () => {
    const candidate = (i: number) => ({
      id: `c${i}`,
      snippet: `<button id=${i}>b${i}</button>`,
      positive: i === 6,
    });
    const problem = (count: number): StepProblem => ({
      id: "t#0",
      annotationId: "t",
      step: 0,
      task: "press the button",
      website: "w",
      domain: "d",
      previousActions: [],
      html: "<html></html>",
      candidates: Array.from({ length: count }, (_, i) => candidate(i + 1))
        .reverse()
        .slice(0, count),
      operation: { op: "CLICK", value: "" },
    });
    const backend = await mind2webSpec.open();
    const noneOfThem: ChatModel = { id: "n", complete: async () => ({ text: "Answer: A." }) };
    // six candidates, the positive one first in the queue is c6; refusing the first five leaves c1 alone
    const six = problem(6);
    six.candidates = [...six.candidates.slice(1), six.candidates[0] as StepProblem["candidates"][number]];
    const refused = await runEpisode({ spec: mind2webSpec, backend, task: six, model: noneOfThem });
    expect(refused).toMatchObject({ turns: 1, reward: 0, info: { element_accuracy: 0 } });
    const one = problem(1);
    const lone = await runEpisode({
      spec: mind2webSpec,
      backend,
      task: one,
      model: oracleModel(mind2webSpec),
    });
    expect(lone).toMatchObject({
      reward: 0,
      turns: 0,
      info: { never_asked: 1, element_accuracy: 0, action_f1: 0 },
    });
    expect(lone.messages).toEqual([]);
  });

  it("shows the last five previous actions, as AgentBench's previous_k = 5", () => {
    const problem: StepProblem = {
      id: "t#7",
      annotationId: "t",
      step: 7,
      task: "book it",
      website: "w",
      domain: "d",
      previousActions: Array.from({ length: 7 }, (_, i) => `[button] b${i} -> CLICK`),
      html: "<html></html>",
      candidates: [{ id: "c1", snippet: "<button id=1>x</button>", positive: true }],
      operation: { op: "CLICK", value: "" },
    };
    const prompt = questionPrompt(problem, problem.candidates);
    expect(prompt).toContain(
      "Previous actions:\n[button] b2 -> CLICK\n[button] b3 -> CLICK\n[button] b4 -> CLICK\n[button] b5 -> CLICK\n[button] b6 -> CLICK\nWhat should",
    );
    expect(prompt).not.toContain("b1 -> CLICK");
  });

  it("averages element accuracy, action F1 and step success over steps, as AgentBench; task success beside", () => {
    const r = (taskId: string, element: number, f1: number): Trajectory => ({
      id: taskId,
      env: "mind2web",
      taskId,
      model: "m",
      messages: [],
      reward: element && f1 === 1 ? 1 : 0,
      success: element === 1 && f1 === 1,
      turns: 1,
      info: {
        element_accuracy: element,
        action_f1: f1,
        step_success: element === 1 && f1 === 1 ? 1 : 0,
        annotation_id: taskId.split("#")[0],
      },
      startedAt: "",
      durationMs: 0,
    });
    // task a: steps (1, 1.0) and (1, 0.5); task b: one step (0, 0)
    const metrics = mind2webSpec.metrics([r("a#0", 1, 1), r("a#1", 1, 0.5), r("b#0", 0, 0)], new Map());
    expect(metrics).toEqual({
      element_accuracy: 2 / 3,
      action_f1: (1 + 0.5 + 0) / 3,
      step_success_rate: 1 / 3,
      task_success_rate: 0,
    });
  });

  it("the oracle picks the gold choice on the fixture and every recorded step (step SR 1.0)", async () => {
    const backend = await mind2webSpec.open();
    const steps = [...(await load(fixture)), ...(await load(recordedMind2WebFile() ?? ""))];
    expect(steps.length).toBeGreaterThan(100);
    const results = await Promise.all(
      steps.map((task) =>
        runEpisode({ spec: mind2webSpec, backend, task, model: oracleModel(mind2webSpec) }),
      ),
    );
    expect(mind2webSpec.metrics(results, new Map())).toMatchObject({
      element_accuracy: 1,
      action_f1: 1,
      step_success_rate: 1,
      task_success_rate: 1,
    });
  });

  it("draws whole recorded tasks in a seeded order, so another seed gives other tasks", async () => {
    const draw = async (seed: number) => {
      const steps: StepProblem[] = [];
      for await (const step of mind2webSpec.generateTasks?.({ count: 40, seed }) ?? [])
        steps.push(step as StepProblem);
      return steps;
    };
    const [a, again, b] = [await draw(1), await draw(1), await draw(2)];
    expect(again.map((s) => s.id)).toEqual(a.map((s) => s.id));
    expect(b.map((s) => s.id)).not.toEqual(a.map((s) => s.id));
    // steps of one task come together and in order
    const first = a.filter((s) => s.annotationId === a[0]?.annotationId);
    expect(first.map((s) => s.id)).toEqual(first.map((_, i) => `${a[0]?.annotationId}#${i}`));
    expect(a.slice(0, first.length)).toEqual(first);
  });

  it("labels a reply without an answer, and scores 'None of the above' as a miss", async () => {
    const backend = await mind2webSpec.open();
    const [step] = await load(fixture);
    expect(
      await runEpisode({ spec: mind2webSpec, backend, task: step as StepProblem, model: say("no idea") }),
    ).toMatchObject({ failure: "invalid_format" });
    const none = await runEpisode({
      spec: mind2webSpec,
      backend,
      task: step as StepProblem,
      model: say("Answer: A\nAction: CLICK\nValue:"),
    });
    expect(none).toMatchObject({ success: false, info: { element_accuracy: 0 } });
  });

  it("runs AgentBench's rounds: five at a time, a pick back to the queue, each prompt on its own", async () => {
    const candidate = (i: number, rank?: number) => ({
      tag: "button",
      attributes: "{}",
      backend_node_id: String(i),
      text: `item ${i}`,
      ...(rank === undefined ? {} : { rank }),
    });
    const task = mind2webTaskSchema.parse({
      annotation_id: "rounds",
      confirmed_task: "Press item 0",
      actions: [
        {
          action_uid: "x",
          operation: { op: "CLICK", value: "" },
          pos_candidates: [candidate(0, 3)],
          // ranks 0..11 but 3: the two ranked 10 and 11 are dropped (top 10)
          neg_candidates: [0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11].map((r) => candidate(r + 1, r)),
        },
      ],
    });
    const [problem] = stepProblems(task);
    if (!problem) throw new Error("no step");
    expect(problem.candidates.map((c) => c.id).sort((a, b) => Number(a) - Number(b))).toEqual([
      "0",
      "1",
      "2",
      "3",
      "5",
      "6",
      "7",
      "8",
      "9",
      "10",
    ]);
    // always "B": 10 candidates → 5 | 5 → queue [b1, b2] → one prompt of two → its B is the prediction
    const seen: number[] = [];
    const alwaysB: ChatModel = {
      id: "b",
      complete: async (messages) => {
        seen.push(messages.length);
        return { text: "Answer: B\nAction: CLICK\nValue:" };
      },
    };
    const backend = await mind2webSpec.open();
    const run = await runEpisode({ spec: mind2webSpec, backend, task: problem, model: alwaysB });
    expect(run.turns).toBe(3);
    expect(seen).toEqual([1, 1, 1]);
    const firstOfGroup = [problem.candidates[0], problem.candidates[5]];
    expect(run.info?.element_accuracy).toBe(firstOfGroup[0]?.positive ? 1 : 0);
    // the oracle wins every order; a reply without an answer counts as A and is labelled
    const oracle = await runEpisode({
      spec: mind2webSpec,
      backend,
      task: problem,
      model: oracleModel(mind2webSpec),
    });
    expect(oracle).toMatchObject({ success: true, info: { element_accuracy: 1, action_f1: 1 } });
    const mumble = await runEpisode({ spec: mind2webSpec, backend, task: problem, model: say("hmm") });
    expect(mumble).toMatchObject({ turns: 2, failure: "invalid_format", info: { element_accuracy: 0 } });
  });

  it.skipIf(!chromiumAvailable)("records Mind2Web-format tasks from the sites in Chromium", async () => {
    const { mkdtempSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { recordMind2Web } = await import("../../data/record-mind2web.js");
    const out = join(mkdtempSync(join(tmpdir(), "m2w-")), "recorded.json");
    expect(await recordMind2Web({ count: 3, seed: 9, out })).toMatchObject({ tasks: 3 });
    const steps = await load(out);
    expect(new Set(steps.map((s) => s.website))).toEqual(new Set(["travel", "settings", "webshop"]));
    expect(steps.every((s) => s.candidates.filter((c) => c.positive).length === 1)).toBe(true);
  });
});
