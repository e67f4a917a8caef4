import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { benchmarksDir } from "../../../test/helpers/backends.js";
import { oracleModel, runEpisode } from "../../agent/index.js";
import type { Message } from "../../core/index.js";
import type { ChatModel, CompleteOptions } from "../../models/index.js";
import { buildWiki } from "../lib/offline-wiki.js";
import { exactMatch, f1Score, normalizeAnswer } from "../lib/qa-answer.js";
import { contextTokens, countTokens, formatStep, parseReactAction } from "./env.js";
import { ownReactTexts, reactPrompt, reactTextsFromCheckout } from "./prompt.js";
import { hotpotqaSpec } from "./spec.js";
import { type HotpotTask, loadHotpotTasks } from "./tasks.js";

const fixture = resolve("test/fixtures/hotpotqa/dev.jsonl");
const fixtureCheckout = resolve("test/fixtures/agenttuning");
const dir = mkdtempSync(join(tmpdir(), "hotpotqa-"));

async function tasksOf(file: string): Promise<HotpotTask[]> {
  const tasks: HotpotTask[] = [];
  for await (const task of loadHotpotTasks(file)) tasks.push(task);
  return tasks;
}

/** Replays replies and records what it was sent: raw text (completions) or chat messages. */
function recordingModel(replies: string[], { text = true } = {}) {
  const calls: { prompt: string; stop?: string[] }[] = [];
  const next = async (prompt: string, options?: CompleteOptions) => {
    calls.push({ prompt, stop: options?.stop });
    return { text: replies.shift() ?? "Finish[]" };
  };
  const model: ChatModel = {
    id: "recording",
    complete: (messages: Message[], options) => next(messages.map((m) => m.content).join("|"), options),
    ...(text ? { completeText: next } : {}),
  };
  return { model, calls };
}

async function run(task: HotpotTask, model: ChatModel, options: { agenttuning?: string } = {}) {
  const backend = await hotpotqaSpec.open({ taskFiles: [fixture], ...options });
  try {
    return await runEpisode({ spec: hotpotqaSpec, backend, task, model });
  } finally {
    await backend.close();
  }
}

describe("hotpotqa env", () => {
  it("loads the distractor format in both layouts and names a record in the wrong shape", async () => {
    const tasks = await tasksOf(fixture);
    expect(tasks.map((t) => t.id)).toEqual(["fx-bridge-1", "fx-comparison-2", "fx-bridge-3"]);
    const bad = join(dir, "bad.jsonl");
    writeFileSync(bad, `${JSON.stringify({ question: "q", answer: "a", context: [["T", "not a list"]] })}\n`);
    await expect(tasksOf(bad)).rejects.toThrow(/bad\.jsonl:1: context/);
    await expect(buildWiki([bad])).rejects.toThrow(/bad\.jsonl:1: context.*not an abstracts dump either/);
    const empty = join(dir, "empty.jsonl");
    writeFileSync(empty, "");
    await expect(buildWiki([empty])).rejects.toThrow(/the offline wiki is empty/);
    await expect(buildWiki([join(dir, "none.jsonl")])).rejects.toThrow(
      /^--corpus .*none\.jsonl: file not found$/,
    );
  });

  it("the oracle scores F1 1 on every fixture question", async () => {
    for (const task of await tasksOf(fixture)) {
      const trajectory = await run(task, oracleModel(hotpotqaSpec));
      expect(trajectory.reward, task.id).toBe(1);
      expect(trajectory.info).toMatchObject({ answer: task.answer, em: 1 });
    }
  });

  it.skipIf(!benchmarksDir())(
    "the oracle scores 100 on AgentTuning's easy and medium files (corpus: both files)",
    async () => {
      const root = join(benchmarksDir() as string, "agenttuning", "hotpotqa");
      const files = ["hotpotqa-easy.jsonl", "hotpotqa-medium.jsonl"].map((f) => join(root, f));
      if (!files.every(existsSync)) throw new Error(`${root}: HotpotQA files missing`);
      const backend = await hotpotqaSpec.open({ taskFiles: files });
      try {
        let total = 0;
        let n = 0;
        for (const file of files)
          for (const task of await tasksOf(file)) {
            const trajectory = await runEpisode({
              spec: hotpotqaSpec,
              backend,
              task,
              model: oracleModel(hotpotqaSpec),
            });
            total += trajectory.reward;
            n++;
          }
        expect(n).toBe(200);
        expect((100 * total) / n).toBe(100);
        expect(await backend.preflight?.(await tasksOf(files[0] as string))).toBeUndefined();
      } finally {
        await backend.close();
      }
    },
    120_000,
  );

  it("generates questions over an invented world, reproducibly, that the oracle solves without a task file", async () => {
    const generate = async (seed: number) => {
      const tasks: HotpotTask[] = [];
      for await (const task of hotpotqaSpec.generateTasks?.({ count: 40, seed }) ?? []) tasks.push(task);
      return tasks;
    };
    const tasks = await generate(5);
    expect(await generate(5)).toEqual(tasks);
    expect((await generate(6))[0]?.question).not.toBe(tasks[0]?.question);
    expect(new Set(tasks.map((t) => t.type))).toEqual(new Set(["bridge", "comparison"]));
    // one world: a title has one text wherever it appears
    const pages = new Map<string, string>();
    for (const task of tasks)
      for (const [title, sentences] of task.context as [string, string[]][]) {
        expect(pages.get(title) ?? sentences.join(""), title).toBe(sentences.join(""));
        pages.set(title, sentences.join(""));
      }
    const backend = await hotpotqaSpec.open({});
    for (const task of tasks) {
      const trajectory = await runEpisode({
        spec: hotpotqaSpec,
        backend,
        task,
        model: oracleModel(hotpotqaSpec),
      });
      expect(trajectory.reward, task.question).toBe(1);
    }
  });

  it("sends BOLAA's raw prompt, two calls a step cut at a newline, with every observation text", async () => {
    const [task] = await tasksOf(fixture);
    const { model, calls } = recordingModel([
      "I should search the painting.\nAction 1: Search[x]", // a second line is cut by the stop, then by format_step
      "Search[Harbor at Dawn]",
      "Look it up.",
      "Lookup[museum]",
      "Again.",
      "Lookup[museum]",
      "Once more.",
      "Lookup[museum]",
      "Try a page that does not exist.",
      "Search[zzqx]",
      "Lookup now fails.",
      "Lookup[museum]",
      "A bad action.",
      "search[lowercase is no action]",
      "Finish with punctuation.",
      "Finish[Lisbon, Portugal].",
    ]);
    const trajectory = await run(task as HotpotTask, model);
    expect(trajectory.textPrompt).toBe("completion");
    const start = reactPrompt(ownReactTexts, (task as HotpotTask).question);
    expect(calls[0]).toEqual({ prompt: `${start}\nThought 1:`, stop: ["\n"] });
    expect(calls[1]?.prompt).toBe(
      `${start}\nThought 1: I should search the painting.Action 1: Search[x]\nAction 1:`,
    );
    const last = calls.at(-1)?.prompt ?? "";
    expect(last.slice(start.length)).toBe(
      [
        "",
        "Thought 1: I should search the painting.Action 1: Search[x]",
        "Action 1: Search[Harbor at Dawn]",
        "Observation 1: Harbor at Dawn is an 1887 oil painting by the marine painter Ines Varela. It hangs in the Tagus Maritime Museum.",
        "Thought 2: Look it up.",
        "Action 2: Lookup[museum]",
        "Observation 2: (Result 1/1) Harbor at Dawn is an 1887 oil painting by the marine painter Ines Varela. It hangs in the Tagus Maritime Museum.",
        "Thought 3: Again.",
        "Action 3: Lookup[museum]",
        "Observation 3: No More Results",
        "Thought 4: Once more.",
        "Action 4: Lookup[museum]",
        "Observation 4: No More Results",
        "Thought 5: Try a page that does not exist.",
        "Action 5: Search[zzqx]",
        "Observation 5: Could not find [zzqx]. Similar: []",
        "Thought 6: Lookup now fails.",
        "Action 6: Lookup[museum]",
        "Observation 6: The last page Searched was not found, so you cannot Lookup a keyword in it. Please try one of the similar pages given.",
        "Thought 7: A bad action.",
        "Action 7: search[lowercase is no action]",
        "Observation 7: Invalid Action. Valid Actions are Lookup[<topic>] Search[<topic>] and Finish[<answer>].",
        "Thought 8: Finish with punctuation.",
        "Action 8:",
      ].join("\n"),
    );
    // "Finish[Lisbon, Portugal]." parses through the fuzzy rule; F1 against "Lisbon" is 2/3
    expect(trajectory.info).toMatchObject({ answer: "Lisbon, Portugal", em: 0 });
    expect(trajectory.reward).toBeCloseTo(2 / 3);
    expect(trajectory.failure).toBe("wrong_answer");
    expect(trajectory.turns).toBe(16);
  });

  it("halts after 10 steps with no answer, and once the prompt passes 1,700 tokens", async () => {
    const [task] = await tasksOf(fixture);
    const loop = Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? "Think." : "Search[Lisbon]"));
    const steps = await run(task as HotpotTask, recordingModel([...loop]).model);
    expect(steps.turns).toBe(20);
    expect(steps).toMatchObject({ reward: 0, failure: "round_limit", info: { answer: "", halted: "steps" } });

    // a page long enough that one search passes the limit
    const long = join(dir, "long.jsonl");
    const sentence = " The harbor has many ships and a long pier with old cranes.";
    writeFileSync(
      long,
      `${JSON.stringify({ id: "long", question: "Which port?", answer: "x", context: [["Long Page", [`Long Page.${sentence.repeat(120)}`]]] })}\n`,
    );
    const backend = await hotpotqaSpec.open({ taskFiles: [long] });
    const [longTask] = await tasksOf(long);
    const { model, calls } = recordingModel(["Search it.", "Search[Long Page]", "Finish.", "Finish[x]"]);
    const halted = await runEpisode({ spec: hotpotqaSpec, backend, task: longTask as HotpotTask, model });
    expect(calls).toHaveLength(2);
    expect(countTokens(`${calls[1]?.prompt} Search[Long Page]`)).toBeLessThan(contextTokens);
    expect(halted).toMatchObject({ reward: 0, failure: "context_limit", info: { halted: "context" } });

    // a question that alone passes the limit halts before the first step (is_halted runs first)
    const huge = { ...(task as HotpotTask), id: "huge", question: "Which harbor? ".repeat(600) };
    const none = recordingModel([]);
    const before = await runEpisode({ spec: hotpotqaSpec, backend, task: huge, model: none.model });
    expect(none.calls).toHaveLength(0);
    expect(before).toMatchObject({ turns: 0, reward: 0, failure: "context_limit" });
    await backend.close();
  });

  it("sends the prompt as one user turn to a chat-only model, and says so", async () => {
    const [task] = await tasksOf(fixture);
    const { model, calls } = recordingModel(["Done.", "Finish[Lisbon]"], { text: false });
    const trajectory = await run(task as HotpotTask, model);
    expect(trajectory.textPrompt).toBe("user-turn");
    expect(calls[0]?.prompt.endsWith("\nThought 1:")).toBe(true);
    expect(calls[1]?.prompt.endsWith("\nThought 1: Done.\nAction 1:")).toBe(true);
    expect(trajectory.reward).toBe(1);
  });

  it("reads REACT_INSTRUCTION and REACT_EXAMPLE from an AgentTuning checkout, and records it", async () => {
    const texts = reactTextsFromCheckout(fixtureCheckout);
    expect(texts.instruction.startsWith("Fixture instruction:")).toBe(true);
    expect(texts.examples).toContain("Fixture thought \u2013 with an escape.");
    const [task] = await tasksOf(fixture);
    const { model, calls } = recordingModel(["Done.", "Finish[Lisbon]"]);
    const backend = await hotpotqaSpec.open({ taskFiles: [fixture], agenttuning: fixtureCheckout });
    expect(backend).toMatchObject({ prompts: fixtureCheckout, promptSource: "agenttuning" });
    await runEpisode({ spec: hotpotqaSpec, backend, task: task as HotpotTask, model });
    expect(calls[0]?.prompt.startsWith("Fixture instruction: answer with Search[entity]")).toBe(true);
    expect(() => reactTextsFromCheckout(dir)).toThrow(/no eval_heldout\/ folder/);
  });

  it("format_step, parse_action and the answer score behave as BOLAA's", () => {
    expect(formatStep("\n\n  Search[a]\nmore  \n")).toBe("Search[a]more");
    expect(parseReactAction("Search[Milhouse]")).toEqual({ type: "Search", argument: "Milhouse" });
    expect(parseReactAction(" Finish[yes]. ")).toEqual({ type: "Finish", argument: "yes" });
    expect(parseReactAction("Finish[a] because")).toEqual({ type: "Finish", argument: "a" });
    expect(parseReactAction("I think so")).toEqual({ type: "I think so", argument: "" });
    expect(normalizeAnswer("The  Eiffel-Tower, an icon!")).toBe("eiffeltower icon");
    // Python's \b knows letters beyond ASCII: "aé" keeps its "a"
    expect(normalizeAnswer("a aé")).toBe("aé");
    expect(f1Score("yes", "no")).toBe(0);
    expect(f1Score("no answer", "noanswer")).toBe(0);
    expect(f1Score("Richard Nixon", "President Richard Nixon")).toBeCloseTo(0.8);
    expect(exactMatch("the Seine", "Seine")).toBe(true);
  });
});
