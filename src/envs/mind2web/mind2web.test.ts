import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { benchmarksDir } from "../../../test/helpers/backends.js";
import { chromiumAvailable } from "../../../test/helpers/chromium.js";
import { oracleModel, runEpisode } from "../../agent/index.js";
import type { Trajectory } from "../../core/index.js";
import { exportAgentInstruct } from "../../data/export-agentinstruct.js";
import type { ChatModel } from "../../models/index.js";
import {
  operationF1,
  operationString,
  parseMind2WebAnswer,
  predictedOperationString,
  roundQuestion,
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
    expect(steps.map((s) => [s.id, s.previousActions.length, s.split])).toEqual([
      ["fixture-0001#0", 0, "test_task"],
      ["fixture-0001#1", 1, "test_task"],
    ]);
    // positives + negatives shuffled by Python's random seeded 123, one shuffle per step in file order
    // (mind2web/task.py:68,172-173); CPython gives ['13', '12', '10'] then ['10', '12']
    expect(steps.map((s) => s.candidates.map((c) => c.id))).toEqual([
      ["13", "12", "10"],
      ["10", "12"],
    ]);
    expect(steps[0]?.candidates.find((c) => c.positive)?.id).toBe("10");
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

  it("defaults to chain of thought, offers the plain prompt, and names unknown backends", async () => {
    const [step] = await load(fixture);
    if (!step) throw new Error("fixture is empty");
    const cot = await mind2webSpec.open();
    const plain = await mind2webSpec.open({ backend: "multiple-choice" });
    const prompt = async (backend: typeof plain) =>
      (await (await backend.create(step)).reset()).messages.at(-1)?.content ?? "";
    // without AgentBench's prompt files the rounds go zero-shot, with agenttune's format line
    expect(await prompt(plain)).not.toContain("Think step by step");
    expect(await prompt(plain)).toContain("Answer in this format:");
    expect(await prompt(cot)).toContain("Think step by step");
    expect([cot.name, cot.maxTokens, plain.maxTokens, cot.prompts]).toEqual([
      "multiple-choice-cot",
      512,
      undefined,
      undefined,
    ]);
    await expect(mind2webSpec.open({ backend: "cot" })).rejects.toThrow(
      '--backend cot: mind2web knows "multiple-choice-cot" and "multiple-choice"',
    );
  });

  it("plays AgentBench's rounds: a lone candidate left (or the only one) is never shown", async () => {
    const candidate = (i: number) => ({ id: `c${i}`, positive: i === 6 });
    const buttons = Array.from({ length: 6 }, (_, i) => `<button backend_node_id="c${i + 1}"/>`).join(" ");
    const problem = (count: number): StepProblem => ({
      id: "t#0",
      annotationId: "t",
      step: 0,
      task: "press the button",
      website: "w",
      domain: "d",
      previousActions: [],
      html: `<html> ${buttons} </html>`,
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
    // no positive among the ranker's top k: never asked either (task.py:160-161)
    const noPositive = {
      ...problem(3),
      candidates: problem(3).candidates.map((c) => ({ ...c, positive: false })),
    };
    expect(
      await runEpisode({ spec: mind2webSpec, backend, task: noPositive, model: oracleModel(mind2webSpec) }),
    ).toMatchObject({ turns: 0, reward: 0, info: { never_asked: 1 } });
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
      html: '<html> <button backend_node_id="c1"/> </html>',
      candidates: [{ id: "c1", positive: true }],
      operation: { op: "CLICK", value: "" },
    };
    const prompt = roundQuestion(problem, ["c1"]).content;
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
    const buttons = Array.from(
      { length: 13 },
      (_, i) => `<button backend_node_id="${i}" value="item ${i}"/>`,
    );
    const task = mind2webTaskSchema.parse({
      annotation_id: "rounds",
      confirmed_task: "Press item 0",
      actions: [
        {
          action_uid: "x",
          cleaned_html: `<html> ${buttons.join(" ")} </html>`,
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
    // B is the first of a group in document order, whatever the queue order
    const ids = problem.candidates.map((c) => c.id);
    const firstInPage = (group: string[]) => roundQuestion(problem, group).choiceIds[0] as string;
    const finalPick = firstInPage([firstInPage(ids.slice(0, 5)), firstInPage(ids.slice(5, 10))]);
    expect(run.info?.element_accuracy).toBe(finalPick === "0" ? 1 : 0);
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

  // Expected user turns: AgentBench's own format_input_multichoice + prune_tree/get_tree_repr
  // (AgentBench.old mind2web/dataloader.py:66-106, data_utils/dom_utils.py) run under lxml on the
  // fixture with the candidates shuffled by random.seed(123), pasted here; not produced by agenttune.
  const goldenRounds = [
    "'''\n<html> <form> <label> From <select id=0 from> <option oslo> Oslo </option> <option rome> Rome </option> </select> </label> <button id=1 submit> Search flights </button> <a id=2 help & support> Help </a> </form> </html>\n'''\n\nBased on the HTML webpage above, try to complete the following task:\nTask: Find a one-way flight from Oslo to Rome\nPrevious actions:\nNone\nWhat should be the next action? Please select from the following choices (If the correct action is not in the page above, please select A. 'None of the above'):\n\nA. None of the above\nB. <select id=0 from> <option oslo> Oslo </option> <option rome> Rome\nC. <button id=1 submit> Search flights </button>\nD. <a id=2 help & support> Help </a>\n",
    "'''\n<html> <form> <label> From <select id=0 from> <option oslo true> Oslo </option> <option rome> Rome </option> </select> </label> <button id=1 submit> Search flights </button> <a help & support> Help </a> </form> </html>\n'''\n\nBased on the HTML webpage above, try to complete the following task:\nTask: Find a one-way flight from Oslo to Rome\nPrevious actions:\n[combobox]  From -> SELECT: Oslo\nWhat should be the next action? Please select from the following choices (If the correct action is not in the page above, please select A. 'None of the above'):\n\nA. None of the above\nB. <select id=0 from> <option oslo true> Oslo </option> <option rome>\nC. <button id=1 submit> Search flights </button>\n",
  ];

  /** A checkout of either layout holding AgentBench's Mind2Web prompt files (or ones written here). */
  function fakeCheckout(layout: "old" | "v0.2", promptDir?: string): string {
    const root = mkdtempSync(join(tmpdir(), "agentbench-"));
    const base = layout === "old" ? join(root, "AgentBench.old") : root;
    const tasks = layout === "old" ? ["src", "tasks", "dbbench"] : ["src", "server", "tasks"];
    mkdirSync(join(base, ...tasks), { recursive: true });
    const prompts = join(base, "data", "mind2web", "prompt");
    mkdirSync(prompts, { recursive: true });
    const fake = [
      { role: "user", content: "EXAMPLE PAGE written for this test" },
      { role: "agent", content: "Thought: the example.\nAnswer: B.\nAction: CLICK" },
      { role: "user", content: "" },
    ];
    for (const file of ["llm_prompt_cot.json", "llm_prompt.json"]) {
      if (promptDir) copyFileSync(join(promptDir, file), join(prompts, file));
      else writeFileSync(join(prompts, file), JSON.stringify(fake));
    }
    return root;
  }

  it("golden transcript, both protocols: the prompt file's turns before each round's question, each round on its own (task.py:176-186)", async () => {
    const steps = await load(fixture);
    const answer = "Thought: the select.\nAnswer: B.\nAction: SELECT\nValue: Oslo";
    for (const [layout, protocol] of [
      ["old", "agentbench-old"],
      ["v0.2", "agentbench-v0.2"],
    ] as const) {
      const backend = await mind2webSpec.open({ agentbench: fakeCheckout(layout), protocol });
      expect(backend.prompts).toBeDefined();
      const seen: number[] = [];
      const model: ChatModel = {
        id: "m",
        complete: async (messages) => {
          seen.push(messages.length);
          return { text: answer };
        },
      };
      const fewShot = [
        { role: "user", content: "EXAMPLE PAGE written for this test" },
        { role: "assistant", content: "Thought: the example.\nAnswer: B.\nAction: CLICK" },
      ];
      for (const [i, step] of steps.entries()) {
        const run = await runEpisode({ spec: mind2webSpec, backend, task: step, model });
        // one round each: B (the select) goes back to the queue alone and the step ends
        expect(run.messages).toEqual([
          ...fewShot,
          { role: "user", content: goldenRounds[i] },
          { role: "assistant", content: answer },
        ]);
        expect(run.roundContext).toBe(2);
      }
      expect(seen).toEqual([3, 3]);
    }
    // AgentInstruct records are one question and one answer: the few-shot turns stay out
    const backend = await mind2webSpec.open({ agentbench: fakeCheckout("old") });
    const run = await runEpisode({
      spec: mind2webSpec,
      backend,
      task: steps[0] as StepProblem,
      model: oracleModel(mind2webSpec),
    });
    const out = exportAgentInstruct([run], mkdtempSync(join(tmpdir(), "m2w-export-")));
    const record = JSON.parse(readFileSync(out.splits.mind2web?.file ?? "", "utf8").trim()) as {
      conversations: { from: string; value: string }[];
    };
    expect(record.conversations.map((c) => c.value)).toEqual([
      goldenRounds[0],
      "Answer: B.\nAction: SELECT\nValue: Oslo",
    ]);
  });

  const benchmarks = benchmarksDir();
  it.skipIf(!benchmarks)(
    "reads AgentBench's own 3-shot chain-of-thought file: six turns, agent as assistant",
    async () => {
      const prompts = join(benchmarks ?? "", "agentbench", "mind2web", "prompt");
      const backend = await mind2webSpec.open({ agentbench: fakeCheckout("old", prompts) });
      const [step] = await load(fixture);
      const { messages } = await (await backend.create(step as StepProblem)).reset();
      const file = JSON.parse(readFileSync(join(prompts, "llm_prompt_cot.json"), "utf8")) as {
        role: string;
        content: string;
      }[];
      expect(messages.map((m) => m.role)).toEqual([
        "user",
        "assistant",
        "user",
        "assistant",
        "user",
        "assistant",
        "user",
      ]);
      expect(messages.slice(0, 6).map((m) => m.content)).toEqual(file.slice(0, 6).map((m) => m.content));
      expect(messages[6]?.content).toBe(goldenRounds[0]);
      expect(file[1]?.content).toMatch(/^Thought: .*\nAnswer: C\.\nAction: SELECT\nValue: Pickup$/);
    },
  );

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
