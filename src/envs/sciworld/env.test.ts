// The sciworld env against AgentTuning's harness (eval_heldout/science-world/eval.py, eval_utils.py),
// on a scripted ScienceWorld server the tests start: the conversation, Think turns, the action
// mapping, the stops, the score rule, both server dialects. Real SciWorld scores need the Java
// simulator behind a server.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeSciworld, startFakeSciworld } from "../../../test/helpers/fake-sciworld.js";
import { runEpisode } from "../../agent/index.js";
import type { Message, Trajectory } from "../../core/index.js";
import { runEval } from "../../eval/index.js";
import { ScriptedModel } from "../../models/index.js";
import { llama2Prompt } from "../lib/llama2-harness.js";
import { cleanSciworldReply } from "./env.js";
import { findValidAction, isActionFailed, trimSciworldHistory } from "./protocol.js";
import { sciworldSpec, sciworldTexts } from "./spec.js";
import { loadSciworldTasks, type SciworldTask, sciworldTaskNames } from "./tasks.js";

describe("sciworld protocol pieces", () => {
  it("maps a prediction to a valid action as findValidActionNew (no SBERT)", () => {
    const valid = [
      "look around",
      "go to kitchen",
      "go to greenhouse",
      "focus on plant",
      "focus on banana",
      "close door to kitchen",
      "pick up red box",
    ];
    const look = "This room is called the greenhouse. In it, you see: a plant";
    // an exact match, after "green house" → "greenhouse"
    expect(findValidAction("go to green house", valid, look, "", [])).toBe("go to greenhouse");
    // else the shortest action sharing the most words, cleaned of punctuation
    expect(findValidAction("walk to the kitchen please", valid, look, "", [])).toBe("go to kitchen");
    expect(findValidAction("pick up the box!", valid, look, "", [])).toBe("pick up red box");
    // focus only on what the look or the inventory mentions; no door action but opening
    expect(findValidAction("focus on banana", valid, look, "", [])).not.toBe("focus on banana");
    expect(findValidAction("focus on banana", valid, look, "In your inventory: a Banana", [])).toBe(
      "focus on banana",
    );
    expect(findValidAction("close door to kitchen", valid, look, "", [])).not.toBe("close door to kitchen");
    // "open door to <room>" is always offered; the last 3 recent actions are not
    expect(findValidAction("open door to art studio", [], look, "", [])).toBe("open door to art studio");
    expect(findValidAction("go to kitchen", valid, look, "", ["go to kitchen"])).toBe("go to greenhouse");
    // "green house" is one of the rooms: a prediction naming it that way maps to it
    expect(findValidAction("open the door to the green house", [], look, "", [])).toBe(
      "open door to green house",
    );
    // nothing shared: the prediction itself, cleaned the same way
    expect(findValidAction("xyzzy?", valid, look, "", [])).toBe("xyzzy");
  });

  it("counts failed actions as is_action_failed and reads replies as eval.py", () => {
    expect(isActionFailed("No known action matches that input.")).toBe(true);
    expect(isActionFailed("You can't do that.")).toBe(true);
    expect(isActionFailed("The door is not open.")).toBe(true);
    expect(isActionFailed("The door is now open.")).toBe(false);
    expect(cleanSciworldReply(" Action: go to kitchen [INST] x<|end_of_turn|>")).toBe(
      "Action: go to kitchen",
    );
  });

  it("drops few-shot turns, oldest pair after the first, while the llama-2 prompt is too long", () => {
    const m = (role: Message["role"], content: string): Message => ({ role, content });
    const long = "word ".repeat(40);
    const messages = [
      m("system", "S"),
      m("user", "INIT"),
      m("assistant", "Ok."),
      m("user", `e1 ${long}`),
      m("assistant", `a1 ${long}`),
      m("user", `e2 ${long}`),
      m("assistant", `a2 ${long}`),
      m("user", "The preceding task has ended. Now, I will start a new task.\nroom\ntask"),
    ];
    expect(llama2Prompt(messages.slice(0, 3))).toBe(
      "[INST] <<SYS>>\nS\n<</SYS>>\n\nINIT [/INST] Ok. </s><s>",
    );
    expect(trimSciworldHistory(messages, 10_000)).toEqual(messages);
    // the second pair goes; then the new task is at turn 4, so the first pair goes too
    expect(trimSciworldHistory(messages, 150)?.map((x) => x.content.slice(0, 4))).toEqual([
      "S",
      "INIT",
      "Ok.",
      "The ",
    ]);
    expect(trimSciworldHistory(messages, 5)).toBeUndefined();
  });

  it("runs AgentTuning's 270 test variations by default, 30 tasks in the simulator's order", async () => {
    const tasks: SciworldTask[] = [];
    for await (const task of loadSciworldTasks("agenttuning-test")) tasks.push(task);
    expect(tasks).toHaveLength(270);
    expect(new Set(tasks.map(sciworldSpec.taskId)).size).toBe(270);
    expect(new Set(tasks.map((t) => t.task)).size).toBe(30);
    expect(sciworldTaskNames[15]).toBe("inclined-plane-friction-named-surfaces");
    expect(sciworldTaskNames[25]).toBe("power-component");
  });

  it("reads INIT_PROMPT and prompt.json from a checkout, or its own instruction", () => {
    const dir = mkdtempSync(join(tmpdir(), "sw-"));
    writeFileSync(join(dir, "prompt.json"), JSON.stringify({ "8": ["look", "Action: go to greenhouse"] }));
    const texts = sciworldTexts({ prompts: join(dir, "prompt.json") });
    expect(texts.examples["8"]).toHaveLength(2);
    expect(texts.instruction).toMatch(/^You are in a simulated world/);
    expect(() => sciworldTexts({ prompts: join(dir, "missing.json") })).toThrow(/missing\.json: not found/);
  });

  it("macro-averages: the mean per task, then over tasks", () => {
    const r = (taskId: string, score: number) => ({ taskId, info: { score } }) as unknown as Trajectory;
    expect(sciworldSpec.metrics([r("boil:1", 100), r("boil:2", 0), r("melt:1", 100)], new Map())).toEqual({
      score: 75,
      tasks: 2,
    });
  });
});

describe("sciworld episodes on a scripted ScienceWorld server", () => {
  let server: FakeSciworld;
  let examples: string;
  beforeAll(async () => {
    server = await startFakeSciworld();
    const dir = mkdtempSync(join(tmpdir(), "sw-prompts-"));
    examples = join(dir, "prompt.json");
    writeFileSync(
      examples,
      JSON.stringify({
        "8": [
          "This room is called the hallway.\nfind a thing",
          "Think: the thing is elsewhere.",
          "OK.",
          "Action: go to kitchen",
        ],
      }),
    );
  });
  afterAll(async () => {
    await server?.close();
  });
  const task: SciworldTask = {
    task: "find-plant",
    variation: 227,
    gold_actions: ["open door to greenhouse", "go to greenhouse", "focus on plant"],
  };
  const play = async (
    replies: string[],
    dialect: "agenttune" | "agentgym" = "agenttune",
    t: SciworldTask = task,
  ) => {
    const backend = await sciworldSpec.open({
      sciworld: server.url,
      sciworldApi: dialect,
      prompts: examples,
    });
    const model = new ScriptedModel(new Map([[sciworldSpec.taskId(t), replies]]));
    return runEpisode({ spec: sciworldSpec, backend, task: t, model });
  };

  it("builds eval.py's conversation, answers Think with OK. and maps actions", async () => {
    const before = server.steps.length;
    const t = await play([
      "Think: I should open the door.",
      "Action: open door to the greenhouse",
      "Action: go to greenhouse",
      "Action: focus on the plant",
    ]);
    expect(t.reward).toBe(1);
    expect(t.info?.score).toBe(100);
    const [system, init, ok, e1, e1a, e2, e2a, newTask, think, thinkObs] = t.messages;
    expect(system?.content).toBe("You are a helpful, respectful and honest assistant.");
    expect(init?.content).toMatch(/^You are in a simulated world/);
    expect(ok?.content).toBe("Ok.");
    expect([e1?.role, e1a?.role, e2?.role, e2a?.role]).toEqual(["user", "assistant", "user", "assistant"]);
    // the first observation cleaned of newlines and tabs, then the task without "Task Description:\n"
    expect(newTask?.content).toBe(
      "The preceding task has ended. Now, I will start a new task.\nThis room is called the hallway. In it, you see:   the agent  a rock You also see:  A door to the greenhouse (that is closed)\nYour task is to find a(n) plant. First, focus on the thing. Then, move it to the red box in the greenhouse.",
    );
    expect(think?.content).toBe("Think: I should open the door.");
    expect(thinkObs?.content).toBe("OK.");
    // the Think turn took no step; the others were mapped to valid actions
    expect(server.steps.slice(before)).toEqual([
      "open door to greenhouse",
      "go to greenhouse",
      "focus on plant",
    ]);
  });

  /** The oracle over the task (and a second variation of it) through the eval runner. */
  const evalOracle = async (actionFormat: "react" | "tools") => {
    const dir = mkdtempSync(join(tmpdir(), `sw-eval-${actionFormat}-`));
    const file = join(dir, "tasks.jsonl");
    writeFileSync(file, `${JSON.stringify(task)}\n${JSON.stringify({ ...task, variation: 229 })}\n`);
    const summary = await runEval({
      env: "sciworld",
      tasks: file,
      model: "oracle",
      out: join(dir, "out"),
      sciworld: server.url,
      progress: false,
      actionFormat,
    });
    const results = readFileSync(join(dir, "out", "results.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { tools?: { name: string }[] });
    return { summary, results };
  };

  it("the oracle follows the gold actions to score 100 through the eval runner", async () => {
    const { summary } = await evalOracle("react");
    expect(summary.metrics).toEqual({ score: 100, tasks: 1 });
  });

  it("the oracle scores 100 in tools mode, thinking and acting through calls", async () => {
    const { summary, results } = await evalOracle("tools");
    expect(summary.metrics).toEqual({ score: 100, tasks: 1 });
    expect(results[0]?.tools?.map((x) => x.name)).toEqual(["take_action", "think"]);
  });

  it("runs the built-in 270-variation set by name, recorded as such in run.json", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "sw-builtin-")), "out");
    const summary = await runEval({
      env: "sciworld",
      tasks: "agenttuning-test",
      limit: 2,
      model: "oracle",
      out,
      sciworld: server.url,
      progress: false,
    });
    expect(summary.tasks).toBe(2);
    expect(JSON.parse(readFileSync(join(out, "run.json"), "utf8")).identity.tasks).toBe("agenttuning-test");
  });

  it("a failed task ends the episode and the score reverts to the one before", async () => {
    const t = await play(["Action: open door to greenhouse", "Action: focus on rock"]);
    expect(t.info?.score).toBe(25);
    expect(t.reward).toBe(0.25);
    expect(t.failure).toBe("wrong_answer");
  });

  it("stops after 10 failed actions in a row, and on a loop", async () => {
    // each reply maps to a different invalid-looking action the server rejects
    const failing = Array.from({ length: 12 }, (_, i) => `Action: xyzzy${i}`);
    const t = await play(failing);
    expect(t.turns).toBe(10);
    expect(t.info?.stop).toMatch(/consecutive invalid actions/);
    // the same two entries over the last five: a loop
    const loop = await play(["Think: a", "Think: b", "Think: a", "Think: b", "Think: a", "Think: b"]);
    // "look around" starts the history, so the fifth Think is the first with only 2 values in the last 5
    expect(loop.turns).toBe(5);
    expect(loop.info?.stop).toMatch(/loop/);
  });

  it("speaks AgentGym's API: reset by data_idx, the raw action sent (no valid actions there)", async () => {
    const loads = server.loads.length;
    const t = await play(
      ["Action: open door to greenhouse", "Action: go to greenhouse", "Action: focus on plant"],
      "agentgym",
      { ...task, data_idx: 2345 },
    );
    expect(server.loads[loads]).toMatchObject({ data_idx: 2345 });
    expect(t.info?.score).toBe(100);
    const missing = await play(["Action: x"], "agentgym");
    expect(missing.failure).toBe("env_error");
    expect(missing.error).toMatch(/agentgym dialect needs each task's data_idx/);
  });

  it("says clearly when the server is down or not given", async () => {
    await expect(sciworldSpec.open({})).rejects.toThrow(/pass --sciworld URL/);
    const backend = await sciworldSpec.open({ sciworld: "http://127.0.0.1:9" });
    const t = await runEpisode({ spec: sciworldSpec, backend, task, model: new ScriptedModel(new Map()) });
    expect(t.failure).toBe("env_error");
    expect(t.error).toMatch(/ScienceWorld server http:\/\/127\.0\.0\.1:9: create/);
    expect(resolve(".")).toBeTruthy();
  });
});
