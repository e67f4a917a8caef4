// The alfworld environment (ALFWorld): a TypeScript household text world, generated and loaded games.

import { InputError, readRecords } from "../../core/index.js";
import { alfworldTexts, checkoutFor, textsFromCheckout } from "../lib/agentbench/checkout.js";
import { fcTexts } from "../lib/agentbench/fc.js";
import type { EnvSpec } from "../types.js";
import { alfworldActions } from "./actions.js";
import { AlfworldEnvironment, defaultAlfworldRoundLimit } from "./env.js";
import { AlfworldCallingEnvironment, alfworldCallingOracle } from "./fc.js";
import { type Game, gameSchema, generateGame, planGame } from "./games.js";
import { loadAlfworldSource } from "./pddl-loader.js";
import { parseAlfworldAction } from "./protocol.js";
import { taskTypes } from "./world.js";

export const alfworldSpec: EnvSpec<Game> = {
  name: "alfworld",
  description:
    "ALFWorld: household tasks (place, clean, heat, cool, examine in light, two objects) in a text world",
  taskSchema: gameSchema,
  taskId: (game) => game.id,
  // the goal text repeats across games; where the goal objects start tells games apart
  taskText: (game) => {
    const homes = game.state.receptacles
      .filter((r) => r.contents.some((o) => o.startsWith(`${game.state.goal.objectType} `)))
      .map((r) => r.name);
    return `${game.state.goal.text} (${homes.join(", ")}; ${game.state.receptacles.length} receptacles)`;
  },
  replyProblem: (reply) => (parseAlfworldAction(reply) === undefined ? "no ACTION: line" : undefined),
  async *loadTasks(source) {
    if (source.endsWith(".jsonl")) {
      for (const { value } of await readRecords(source, gameSchema)) yield value;
      return;
    }
    yield* loadAlfworldSource(source);
  },
  async *generateTasks({ count, seed }) {
    for (let i = 0; i < count; i++)
      yield generateGame(taskTypes[i % taskTypes.length] as (typeof taskTypes)[number], seed * 100_000 + i);
  },
  async open({ backend, roundLimit, protocol, agentbench } = {}) {
    if (backend !== undefined)
      throw new InputError(
        `--backend ${backend}: alfworld has one built-in backend (textworld-ts); drop --backend`,
      );
    if (protocol === "agentbench-fc") {
      const calling = fcTexts("alfworld", checkoutFor({ agentbench, protocol }));
      return {
        name: "textworld-ts",
        ...(calling.fromCheckout ? { prompts: agentbench } : {}),
        tools: calling.tools,
        maxTurns: roundLimit ?? calling.rounds,
        create: async (game) => new AlfworldCallingEnvironment(game, calling),
        close: async () => {},
      };
    }
    const texts = textsFromCheckout({ agentbench, protocol }, alfworldTexts);
    return {
      name: "textworld-ts",
      ...(texts ? { prompts: agentbench } : {}),
      maxTurns: roundLimit ?? defaultAlfworldRoundLimit,
      create: async (game) =>
        new AlfworldEnvironment(game, roundLimit ?? defaultAlfworldRoundLimit, protocol, texts),
      close: async () => {},
    };
  },
  gold: (game) => ({ goal: game.state.goal.text, type: game.state.goal.type, plan: planGame(game) }),
  actions: alfworldActions,
  callingOracle: alfworldCallingOracle,
  oracle: (game) => {
    const plan = planGame(game);
    return {
      reply(messages) {
        // this game's own turns follow the last "Here is your task." message
        let start = messages.length - 1;
        while (
          start >= 0 &&
          !(messages[start]?.role === "user" && messages[start]?.content.startsWith("Here is your task. "))
        )
          start--;
        const done = messages.slice(start + 1).filter((m) => m.role === "assistant").length;
        return `ACTION: ${plan[done] ?? "look"}`;
      },
    };
  },
  metrics: (results) => ({
    success_rate: results.filter((r) => r.success).length / Math.max(1, results.length),
    avg_rounds: results.reduce((n, r) => n + r.turns, 0) / Math.max(1, results.length),
  }),
  benchmark: { task: "ALFWorld", category: "held-in" },
  score: (_metrics, { successRate }) => 100 * successRate,
  defaults: { maxTurns: defaultAlfworldRoundLimit, maxTokens: 128, minReward: 1 },
};
