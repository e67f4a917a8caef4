import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { oracleModel, runEpisode } from "../../agent/index.js";
import type { ChatModel } from "../../models/index.js";
import { type Game, generateGame, planGame } from "./games.js";
import { loadAlfworldGame } from "./pddl-loader.js";
import {
  bleu,
  cleanObservation,
  mapToAdmissible,
  parseAlfworldAction,
  processAlfworldAction,
} from "./protocol.js";
import { alfworldSpec } from "./spec.js";
import { taskTypes, World } from "./world.js";

const fixtures = fileURLToPath(new URL("../../../test/fixtures/alfworld/", import.meta.url));

describe("ALFWorld world", () => {
  const game = generateGame("pick_heat_then_place", 12);
  it("answers in ALFWorld's words, and 'Nothing happens.' to anything it cannot do", () => {
    const world = new World(structuredClone(game.state));
    expect(world.intro()).toMatch(
      /^-= Welcome to TextWorld, ALFRED! =-\n\nYou are in the middle of a room\. Looking quickly around you, you see a cabinet 1, .*\.\n\nYour task is to: /,
    );
    expect(world.step("go to fridge 1")).toBe("You arrive at loc 1. The fridge 1 is closed.");
    expect(world.step("open fridge 1")).toMatch(
      /^You open the fridge 1\. The fridge 1 is open\. In it, you see (nothing|a .+)\.$/,
    );
    expect(world.step("inventory")).toBe("You are not carrying anything.");
    for (const bad of [
      "take unicorn 1 from fridge 1",
      "put apple in fridge",
      "go to fridge 1",
      "heat it",
      "x".repeat(10_000),
      "close the fridge",
    ]) {
      expect(world.step(bad)).toBe("Nothing happens.");
    }
    expect(world.step("close fridge 1")).toBe("You close the fridge 1.");
    expect(world.admissibleCommands()).toContain("open fridge 1");
  });

  it("the oracle solves all 600 generated games (100 per type) through the commands", () => {
    let solved = 0;
    for (const type of taskTypes) {
      for (let seed = 0; seed < 100; seed++) {
        const g = generateGame(type, seed);
        const world = new World(structuredClone(g.state));
        for (const command of planGame(g)) world.step(command);
        if (world.won) solved++;
      }
    }
    expect(solved).toBe(600);
  });

  it("generates distinct games deterministically", () => {
    expect(generateGame("pick_two_obj_and_place", 5)).toEqual(generateGame("pick_two_obj_and_place", 5));
    expect(
      new Set(Array.from({ length: 200 }, (_, s) => JSON.stringify(generateGame("pick_and_place", s).state)))
        .size,
    ).toBe(200);
  });
});

describe("ALFWorld protocol", () => {
  // an agent at the open cabinet 2, as admissible commands come (order matters: np.argmax takes the first)
  const atCabinet = [
    "go to cabinet 1",
    "go to cabinet 2",
    "close cabinet 2",
    "take vase 1 from cabinet 2",
    "examine cabinet 2",
    "inventory",
    "look",
  ];

  it("computes nltk's sentence BLEU with method4 smoothing (hand-computed)", () => {
    expect(bleu("go to fridge 1", "go to fridge 1")).toBe(1);
    // "take vase 1" vs "take vase 1 from cabinet 2": p1..p3 = 1, p4 = 0/1 smoothed to ln 3 / 10,
    // brevity penalty e^(1 - 6/3): 0.3679 · 0.10986^0.25
    expect(bleu("take vase 1 from cabinet 2", "take vase 1")).toBeCloseTo(
      Math.exp(-1) * (Math.log(3) / 10) ** 0.25,
      12,
    );
    // "go cabinet 2" vs "close cabinet 2": p = 2/3, 1/2, then ln 3 / 10 and ln 3 / 20; no penalty
    expect(bleu("close cabinet 2", "go cabinet 2")).toBeCloseTo(
      ((2 / 3) * 0.5 * (Math.log(3) / 10) * (Math.log(3) / 20)) ** 0.25,
      12,
    );
    // "go to the cabinet 1" vs "go to cabinet 1": p = 4/5, 2/4, then (ln 5 / 10) / 3 and (ln 5 / 20) / 2
    expect(bleu("go to cabinet 1", "go to the cabinet 1")).toBeCloseTo(
      (0.8 * 0.5 * (Math.log(5) / 30) * (Math.log(5) / 40)) ** 0.25,
      12,
    );
    // no shared word: 0; a one-word candidate is not smoothed
    expect(bleu("go to cabinet 1", "dance")).toBe(0);
    expect(bleu("look", "look")).toBe(1);
  });

  it("maps replies as AgentBench does: the notes' four probes", () => {
    const map = (reply: string) => processAlfworldAction(`ACTION: ${reply}`, atCabinet);
    expect(map("take vase 1")).toBe("take vase 1 from cabinet 2");
    expect(map("go to the cabinet 1")).toBe("go to cabinet 1");
    expect(map("go cabinet 2")).toBe("close cabinet 2");
    // ties with "close cabinet 2" and "examine cabinet 2": the first wins
    expect(map("open the cabinet 2")).toBe("go to cabinet 2");
    expect(map("dance")).toBe("dance");
    expect(cleanObservation("You arrive at loc 7. On the desk 1, you see nothing.")).toBe(
      "On the desk 1, you see nothing.",
    );
  });

  it("reads ACTION: case-sensitively; without it, old maps the whole reply and v0.2 gives up", () => {
    expect(parseAlfworldAction("THOUGHT: hm.\n ACTION: Go To Cabinet 1")).toBe("go to cabinet 1");
    expect(parseAlfworldAction("action: go to cabinet 1")).toBeUndefined();
    expect(processAlfworldAction("I go to cabinet 1\nthen look", atCabinet)).toBe("go to cabinet 1");
    expect(processAlfworldAction("I go to cabinet 1", atCabinet, "agentbench-v0.2")).toBeUndefined();
    expect(processAlfworldAction("ACTION:   \n", atCabinet, "agentbench-v0.2")).toBeUndefined();
    expect(mapToAdmissible("go to cabinet 9", [])).toBe("go to cabinet 9"); // no choices: as written
  });

  it("runs episodes: three identical replies from the fourth step end it, 35 steps at most", async () => {
    const game = generateGame("pick_and_place", 3);
    const say = (...texts: string[]): ChatModel => {
      let i = 0;
      return { id: "t", complete: async () => ({ text: texts[Math.min(i++, texts.length - 1)] as string }) };
    };
    const backend = await alfworldSpec.open();
    const stuck = await runEpisode({ spec: alfworldSpec, backend, task: game, model: say("ACTION: look") });
    expect(stuck).toMatchObject({ reward: 0, turns: 4, failure: "invalid_action", info: { repeated: true } });
    let n = 0;
    const wandering: ChatModel = { id: "w", complete: async () => ({ text: `ACTION: look ${n++ % 2}` }) };
    expect(await runEpisode({ spec: alfworldSpec, backend, task: game, model: wandering })).toMatchObject({
      failure: "round_limit",
      turns: 35,
    });
    const v02 = await alfworldSpec.open({ protocol: "agentbench-v0.2" });
    expect(
      await runEpisode({ spec: alfworldSpec, backend: v02, task: game, model: say("I look around.") }),
    ).toMatchObject({
      reward: 0,
      turns: 1,
      failure: "invalid_format",
    });
    const solved = await runEpisode({
      spec: alfworldSpec,
      backend,
      task: game,
      model: oracleModel(alfworldSpec),
    });
    expect(solved).toMatchObject({ success: true, reward: 1 });
    const prefix = solved.messages.findIndex((m) => m.content.startsWith("Here is your task. "));
    expect(solved.messages[1]?.content).toBe(
      "OK. I'll follow your instructions and try my best to solve the task.",
    );
    // the banner paragraph dropped, the rest joined by one newline (task.py:167)
    expect(solved.messages[prefix]?.content).toMatch(
      /^Here is your task\. You are in the middle of a room\. .*\.\nYour task is to: /,
    );
    expect(solved.messages[2]?.content).toMatch(/^Here is one example\.\nYou are in the middle of a room\./);
  });

  it("v0.2: every observation lists the available actions, and the list is cut once it is answered", async () => {
    const game = generateGame("pick_and_place", 3);
    const plan = planGame(game);
    const replies = [`ACTION: ${plan[0]}`, `ACTION: ${plan[1]}`];
    let i = 0;
    const model: ChatModel = { id: "s", complete: async () => ({ text: replies[i++] ?? "no action" }) };
    const backend = await alfworldSpec.open({ protocol: "agentbench-v0.2" });
    const result = await runEpisode({ spec: alfworldSpec, backend, task: game, model });
    const start = result.messages.findIndex((m) => m.content.startsWith("Here is your task. "));
    const turns = result.messages.slice(start).map((m) => m.content);
    // task (list cut), reply 1, observation 1 (cut), reply 2, observation 2 (listed, unanswered), reply 3
    expect(turns).toHaveLength(6);
    expect(turns[0]).toMatch(
      /^Here is your task\. You are in the middle of a room\.[\s\S]*\nYour task is to: [^\n]* $/,
    );
    expect(turns[2]).toMatch(/ $/); // split("AVAILABLE ACTIONS")[0] keeps the space before it
    expect(turns[2]).not.toContain("AVAILABLE ACTIONS");
    expect(turns[4]).toMatch(/ AVAILABLE ACTIONS: (?:[^\n]+\n)+$/);
    expect(turns[4]).toContain("\ninventory\n");
    expect(result).toMatchObject({ failure: "invalid_format", turns: 3 }); // "no action": v0.2 ends it
  });
});

describe("ALFWorld game files", () => {
  it("builds the world from game.tw-pddl + traj_data.json, and the oracle solves the games", async () => {
    const game = loadAlfworldGame(
      join(fixtures, "pick_cool_then_place_in_recep-Apple-None-CounterTop-1", "trial_1"),
    );
    expect(game.state.goal).toMatchObject({
      type: "pick_cool_then_place",
      objectType: "apple",
      receptacleType: "countertop",
      text: "put a cool apple in countertop.",
    });
    expect(game.state.receptacles.map((r) => [r.name, r.openable, r.contents])).toEqual([
      ["fridge 1", true, []],
      ["countertop 1", false, []],
      ["cabinet 1", true, []],
      ["cabinet 2", true, ["apple 1"]],
      ["diningtable 1", false, ["mug 1", "apple 2"]],
    ]);
    const games: Game[] = [];
    for await (const g of alfworldSpec.loadTasks(join(fixtures, "split.json"))) games.push(g);
    expect(games.map((g) => g.state.goal.type)).toEqual(["pick_cool_then_place", "look_at_obj_in_light"]);
    const backend = await alfworldSpec.open();
    const results = await Promise.all(
      games.map((g) =>
        runEpisode({ spec: alfworldSpec, backend, task: g, model: oracleModel(alfworldSpec) }),
      ),
    );
    expect(results.map((r) => r.success)).toEqual([true, true]);
    expect(() => loadAlfworldGame(join(fixtures, "nowhere"))).toThrow(/game\.tw-pddl: not found/);
  });
});
