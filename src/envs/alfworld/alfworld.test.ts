import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { oracleModel, runEpisode } from "../../agent/index.js";
import type { ChatModel } from "../../models/index.js";
import { type Game, generateGame, planGame } from "./games.js";
import { loadAlfworldGame } from "./pddl-loader.js";
import { bleu, cleanObservation, mapToAdmissible, parseAlfworldAction } from "./protocol.js";
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
  it("reads the text after ACTION:, lower-cased, and maps near misses by BLEU", () => {
    expect(parseAlfworldAction("THOUGHT: hm.\n ACTION: Go To Fridge 1")).toBe("go to fridge 1");
    expect(parseAlfworldAction("I go to the fridge")).toBeUndefined();
    expect(bleu("go to fridge 1", "go to fridge 1")).toBe(1);
    expect(
      mapToAdmissible("take apple 1 from the countertop 1", [
        "take apple 1 from countertop 1",
        "go to cabinet 1",
      ]),
    ).toBe("take apple 1 from countertop 1");
    // sentence BLEU without smoothing is 0 without a shared 4-gram, so short paraphrases stay as they are
    expect(mapToAdmissible("go to the fridge 1", ["go to fridge 1"])).toBe("go to the fridge 1");
    expect(mapToAdmissible("dance", ["go to fridge 1"])).toBe("dance");
    expect(cleanObservation("You arrive at loc 7. On the desk 1, you see nothing.")).toBe(
      "On the desk 1, you see nothing.",
    );
  });

  it("runs episodes: think turns get OK., 35 steps at most, reward 1 when won", async () => {
    const backend = await alfworldSpec.open();
    const game = generateGame("pick_and_place", 3);
    const say = (text: string): ChatModel => ({ id: "t", complete: async () => ({ text }) });
    const thinker = await runEpisode({
      spec: alfworldSpec,
      backend,
      task: game,
      model: say("ACTION: think: where could it be?"),
    });
    expect(thinker).toMatchObject({ failure: "round_limit", turns: 35 });
    expect(thinker.messages.at(-2)?.content).toBe("OK.");
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
    expect(solved.messages[prefix]?.content).toMatch(
      /^Here is your task\. -= Welcome to TextWorld, ALFRED! =-/,
    );
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
