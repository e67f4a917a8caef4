// The miniwob env against AgentTuning's RCI agent (eval_heldout/miniwob++/llm_agent.py, main.py): the
// conversation it builds, its correction loop and step budget, each action on real pages, and the
// oracle. The expected prompts are assembled here from the prompt files, the way llm_agent.py
// concatenates them, not through the env's helpers.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { benchmarksDir } from "../../../test/helpers/backends.js";
import { miniwobAvailable } from "../../../test/helpers/miniwob.js";
import { runEpisode } from "../../agent/run-episode.js";
import type { Trajectory } from "../../core/index.js";
import { runEval } from "../../eval/index.js";
import { ScriptedModel } from "../../models/index.js";
import type { EnvBackend } from "../types.js";
import { readEmailTask } from "./app-solvers.js";
import { actionRequest, cleanRciReply } from "./env.js";
import { readActionPrompt } from "./oracle.js";
import { loadRciPrompts } from "./rci-prompts.js";
import { solveForX, solvers } from "./solvers.js";
import { miniwobSpec } from "./spec.js";
import { loadMiniwobTasks, type MiniwobTask } from "./tasks.js";

const shared = benchmarksDir();
const html = shared ? join(shared, "miniwob", "html") : "";
const rci = shared ? join(shared, "agenttuning", "miniwob-rci") : "";

describe("miniwob env pieces", () => {
  it("writes the action request as generate_action does, {prev_inst} left in as the original leaves it", () => {
    const prompts = {
      firstAction: "the first instruction should be `",
      action: "after {prev_inst}, the {order} instruction should be `",
    } as Parameters<typeof actionRequest>[0];
    const lead = "Based on the plan and the history of instructions executed so far, ";
    expect(actionRequest(prompts, [])).toBe(`${lead}the first instruction should be \``);
    expect(actionRequest(prompts, ["a"])).toBe(`${lead}after {prev_inst}, the 2nd instruction should be \``);
    expect(actionRequest(prompts, ["a", "b"])).toContain("the 3rd instruction");
    expect(actionRequest(prompts, ["a", "b", "c"])).toContain("the 4th instruction");
    expect(actionRequest(prompts, Array(10).fill("x"))).toContain("the 11th instruction");
  });

  it("cleans a reply as TGI's text reaches the agent (cut at [INST], stripped)", () => {
    expect(cleanRciReply("  clickxpath //a \n[INST] more [/INST]")).toBe("clickxpath //a");
    expect(cleanRciReply("\n\n")).toBe("");
  });

  it("solves simple-algebra's three problem forms", () => {
    expect(solveForX("x + 3 = 10")).toBe(7);
    expect(solveForX("x - 3 = 10")).toBe(13);
    expect(solveForX("7 + x = 10")).toBe(3);
    expect(() => solveForX("2x = 4")).toThrow(/cannot solve/);
  });

  it("reads the email tasks' template and natural-language wordings", () => {
    const inbox = ["Cora", "Bobine", "Lidia", "Bettine"];
    expect(readEmailTask("Find the email by Cora and forward that email to Orel.", inbox)).toEqual({
      action: "forward",
      sender: "Cora",
      to: "Orel",
    });
    expect(readEmailTask("Send Bettine the information Lidia sent to you.", inbox)).toMatchObject({
      sender: "Lidia",
      to: "Bettine",
    });
    expect(readEmailTask('Can you email Cora and tell her "Magna."', inbox)).toEqual({
      action: "reply",
      sender: "Cora",
      text: "Magna.",
    });
    expect(readEmailTask("Mark the unread email from Cora as important.", inbox).action).toBe("important");
    expect(() => readEmailTask("Delete the email from Zed.", inbox)).toThrow(/no sender/);
  });

  it("loads task lists × seeds and {task, seed} records, with the line of a bad one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "miniwob-tasks-"));
    writeFileSync(join(dir, "available_tasks.txt"), "click-test\n\nenter-text\n");
    const listed: MiniwobTask[] = [];
    for await (const task of loadMiniwobTasks(dir, { episodes: 2 })) listed.push(task);
    expect(listed).toEqual([
      { task: "click-test", seed: 0 },
      { task: "click-test", seed: 1 },
      { task: "enter-text", seed: 0 },
      { task: "enter-text", seed: 1 },
    ]);
    expect(listed.map(miniwobSpec.taskId)).toContain("enter-text:1");
    writeFileSync(join(dir, "bad.txt"), "click-test\nClick Test!\n");
    await expect(async () => {
      for await (const _ of loadMiniwobTasks(join(dir, "bad.txt"))) {
      }
    }).rejects.toThrow(/bad\.txt:2: "Click Test!" is not a MiniWoB\+\+ task name/);
    writeFileSync(join(dir, "episodes.jsonl"), '{"task": "click-test", "seed": 7}\n{"task": "x"}\n');
    await expect(async () => {
      for await (const _ of loadMiniwobTasks(join(dir, "episodes.jsonl"))) {
      }
    }).rejects.toThrow(/episodes\.jsonl:2.*seed/);
    await expect(async () => {
      for await (const _ of loadMiniwobTasks(join(dir, "nowhere"))) {
      }
    }).rejects.toThrow(/nowhere: not found/);
  });

  it("says which folder is missing", async () => {
    await expect(miniwobSpec.open({})).rejects.toThrow(/pass --miniwob DIR/);
    await expect(miniwobSpec.open({ miniwob: tmpdir(), prompts: tmpdir() })).rejects.toThrow(
      /no core\/core\.js/,
    );
  });
});

describe.skipIf(!miniwobAvailable)("miniwob episodes in Chromium (RCI agent)", () => {
  let backend: EnvBackend<MiniwobTask>;
  beforeAll(async () => {
    backend = await miniwobSpec.open({ miniwob: html, prompts: rci });
  }, 60_000);
  afterAll(async () => {
    await backend?.close();
  });

  const play = async (task: MiniwobTask, replies: string[]): Promise<Trajectory> => {
    const model = new ScriptedModel(new Map([[miniwobSpec.taskId(task), replies]]));
    return runEpisode({ spec: miniwobSpec, backend, task, model });
  };
  const file = (task: string, name: string) => readFileSync(join(rci, "prompt", task, name), "utf8");
  const plan = ["1. Click the button.", "It is fine.", "1. Click the button."];

  it("builds llm_agent.py's conversation: the plan prompt, its critique, the action prompt, grounding", async () => {
    const task = { task: "click-test", seed: 3 };
    const t = await play(task, [...plan, 'clickxpath //*[@id="subbtn"]', 'clickxpath //*[@id="subbtn"]']);
    expect(t.success, JSON.stringify(t.info)).toBe(true);
    expect(t.independentTurns).toBe(true);
    // every call: system, BIG_PROMPT / Ok., few-shot plan, few-shot action, then this call's prompt
    expect(t.roundContext).toBe(7);
    const fewShot = JSON.parse(readFileSync(join(rci, "prompt", "few-shot.json"), "utf8"));
    expect(t.messages[0]).toEqual({
      role: "system",
      content: "You are a helpful, respectful and honest assistant.",
    });
    expect(t.messages[3]?.content).toBe(fewShot[0].conversations[0].value);
    expect(t.messages[5]?.content).toBe(
      `The previous task has ended, and I'll start a new task now.\n\n${fewShot[5].conversations[0].value}`,
    );
    const turns = t.messages.slice(7);
    const asked = turns.filter((m) => m.role === "user").map((m) => m.content);
    const newTask = "The previous task has ended, and I'll start a new task now.\n\n";
    for (const prompt of asked) expect(prompt.startsWith(newTask)).toBe(true);
    const [first, critique, replan, action, grounding] = asked.map((p) =>
      p.slice(newTask.length),
    ) as string[];
    const utterance = t.info?.utterance as string;
    const base = file("click-test", "base.txt")
      .replaceAll("{type}", "^type\\s.{1,}$")
      .replaceAll("{clickxpath}", "^clickxpath\\s.{1,}$");
    const page = readActionPrompt(asked[0] as string).html.replace(/\n\n[\s\S]*$/, "");
    expect(page).toMatch(/^<div id="wrap"/);
    // initialize_plan: base + webpage_state_prompt(init_plan=True, with_task=True) + initialize_plan.txt
    expect(first).toBe(
      `${base}\n\nBelow is the HTML code of the webpage where the agent should solve a task.\n${page}\n\n${file("click-test", "example.txt")}\n\nCurrent task: ${utterance}\n${file("click-test", "initialize_plan.txt")}`,
    );
    // rci_plan: "\n" + the draft, the critique request; then the critique and the request for a plan
    expect(critique).toBe(
      `${first}\n${plan[0]}\n\nFind problems with this plan for the given task compared to the example plans.\n\n`,
    );
    expect(replan).toBe(
      `${critique}${plan[1]}\n\nBased on this, what is the plan for the agent to complete the task?\n\n`,
    );
    // generate_action: no examples; the plan, the (empty) history, the first-action request
    expect(action).toBe(
      `${base}\n\nBelow is the HTML code of the webpage where the agent should solve a task.\n${page}\n\nCurrent task: ${utterance}\n\n\nHere is a plan you are following now.\n${plan[2]}\n\n\n\nWe have a history of instructions that have been already executed by the autonomous agent so far.\nNo instruction has been executed yet.\n\nBased on the plan and the history of instructions executed so far, ${file("click-test", "first_action.txt")}`,
    );
    // update_action: the processed reply and "`." then the grounding request
    expect(grounding).toBe(
      `${action}clickxpath //*[@id="subbtn"]\`.${file("click-test", "update_action.txt")}`,
    );
    expect(t.info?.instructions).toEqual(['clickxpath //*[@id="subbtn"]']);
    expect(t.info?.stepBudget).toBe(2);
  }, 60_000);

  it("corrects an instruction that fits no action regex up to 3 times, then fails as the ValueError", async () => {
    const task = { task: "click-test", seed: 4 };
    const rciAction = loadRciPrompts(rci, "click-test").rciAction;
    const fixed = await play(task, [
      ...plan,
      "I would click the button",
      "Click the button now",
      "the button",
      'clickxpath //*[@id="subbtn"]',
    ]);
    expect(fixed.success, JSON.stringify(fixed.info)).toBe(true);
    const lastPrompt = fixed.messages.filter((m) => m.role === "user").at(-1)?.content as string;
    // rci_action: the raw reply and the correction request are appended each time
    expect(lastPrompt.endsWith(`Click the button now${rciAction}the button${rciAction}`)).toBe(true);
    const failed = await play(task, [...plan, "hm", "still no", "nope", "no", "unused"]);
    expect(failed.success).toBe(false);
    expect(failed.failure).toBe("invalid_format");
    expect(failed.turns).toBe(3 + 2 + 3); // plan, instruction + grounding, three corrections
    expect(failed.info?.reason).toMatch(/after 3 corrections/);
  }, 60_000);

  it("stops when the plan's steps are used up", async () => {
    const t = await play({ task: "click-test", seed: 5 }, [
      ...plan,
      ...Array(4).fill("clickxpath //*[@id='not-there']"),
      "unused",
    ]);
    expect(t.failure).toBe("round_limit");
    expect(t.info?.instructions).toHaveLength(2); // "1." in the plan: two actions
  }, 60_000);

  it("acts with type, press, clickoption and movemouse on the task pages", async () => {
    // enter-text (generic prompts: grounding on): click the field, type, press enter = submit
    const enter = { task: "enter-text", seed: 2 };
    const opened = await backend.create(enter);
    const { messages } = await opened.reset();
    await opened.close();
    const word = /Enter "(.+)" into the text field/.exec(
      readActionPrompt(messages.at(-1)?.content as string).utterance,
    )?.[1];
    expect(word).toBeDefined();
    const twice = (instruction: string) => [instruction, instruction];
    const typed = await play(enter, [
      "1. a\n2. b\n3. c",
      "ok",
      "1. a\n2. b\n3. c",
      ...twice("clickxpath //input[@id='tt']"),
      ...twice(`type ${word}`),
      ...twice('clickxpath //*[@id="subbtn"]'),
    ]);
    expect(typed.success, JSON.stringify(typed.info)).toBe(true);
    // choose-list: clickoption picks the option by its text
    const chosen = await play({ task: "choose-list", seed: 1 }, [
      "1. a\n2. b",
      "ok",
      "1. a\n2. b",
      ...twice('clickoption //select[@id="options"]/option[text()="Bobine"]'),
      ...twice("clickxpath //button"),
    ]);
    expect(chosen.success, JSON.stringify(chosen.info)).toBe(true);
    // press: a key goes to the page; arrowup on the empty form earns nothing, and the two steps run out
    const pressed = await play({ task: "enter-text", seed: 3 }, [
      ...plan,
      ...twice("press arrowup"),
      ...twice("press backspace"),
    ]);
    expect(pressed.failure).toBe("round_limit");
    expect(pressed.info?.instructions).toEqual(["press arrowup", "press backspace"]);
    // movemouse onto nothing: the original's "Click noninteractable element"
    const moved = await play({ task: "click-test", seed: 6 }, [...plan, ...twice("movemouse //nothing")]);
    expect(moved.failure).toBe("invalid_action");
    expect(moved.info?.reason).toMatch(/noninteractable/);
  }, 120_000);

  it("costs one episode with env_error when a page does not load, and warns before the run", async () => {
    expect(await backend.preflight?.([{ task: "no-such-task", seed: 0 }])).toMatch(/1 tasks have no page/);
    const t = await play({ task: "no-such-task", seed: 0 }, []);
    expect(t.failure).toBe("env_error");
    expect(t.info?.reason).toMatch(/did not load/);
  }, 60_000);

  it("the oracle succeeds on every task with a solver (one seed each here; npm run bench runs 20)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "miniwob-oracle-"));
    mkdirSync(dir, { recursive: true });
    const tasks = join(dir, "episodes.jsonl");
    const names = Object.keys(solvers);
    writeFileSync(
      tasks,
      // one seed per task, a different one for each (npm run bench runs all 40 × 20)
      names.map((task, i) => `${JSON.stringify({ task, seed: (i * 7) % 20 })}\n`).join(""),
    );
    const summary = await runEval({
      env: "miniwob",
      tasks,
      model: "oracle",
      out: join(dir, "out"),
      miniwob: html,
      prompts: rci,
      concurrency: 4,
      progress: false,
    });
    const results = readFileSync(join(dir, "out", "results.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Trajectory);
    const failed = results.filter((r) => !r.success).map((r) => `${r.taskId}: ${r.failure} ${r.error ?? ""}`);
    expect(failed).toEqual([]);
    expect(summary.metrics.success).toBe(1);
    // the solvers cover 40 of the 46 evaluated tasks; the README lists the other six
    const evaluated = readFileSync(join(rci, "available_tasks.txt"), "utf8").trim().split("\n");
    expect(evaluated.filter((t) => !names.includes(t)).sort()).toEqual([
      "click-checkboxes-soft",
      "click-menu",
      "click-shades",
      "click-shape",
      "count-shape",
      "grid-coordinate",
    ]);
  }, 600_000);
});
