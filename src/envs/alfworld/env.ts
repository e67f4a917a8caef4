// One ALFWorld game: at most 35 steps, reward 1 when the goal is satisfied.
import type { StepResult } from "../../core/index.js";
import type { Environment } from "../types.js";
import type { Game } from "./games.js";
import { alfworldMessages, cleanObservation, mapToAdmissible, parseAlfworldAction } from "./protocol.js";
import { World } from "./world.js";

export const defaultAlfworldRoundLimit = 35;

export class AlfworldEnvironment implements Environment {
  private readonly world: World;
  private steps = 0;

  constructor(
    private readonly game: Game,
    private readonly roundLimit = defaultAlfworldRoundLimit,
  ) {
    this.world = new World(structuredClone(game.state));
  }

  async reset() {
    return { messages: alfworldMessages(this.game.state.goal.type, this.world.intro()) };
  }

  async step(reply: string): Promise<StepResult> {
    this.steps++;
    const action = parseAlfworldAction(reply);
    if (action === undefined) return this.next("Nothing happens.");
    if (action.startsWith("think:")) return this.next("OK.");
    const observation = cleanObservation(
      this.world.step(mapToAdmissible(action, this.world.admissibleCommands())),
    );
    if (this.world.won) return { observation: "", reward: 1, done: true, info: { steps: this.steps } };
    return this.next(observation);
  }

  private next(observation: string): StepResult {
    if (this.steps >= this.roundLimit)
      return { observation: "", reward: 0, done: true, failure: "round_limit" };
    return { observation, reward: 0, done: false };
  }

  async close() {}
}
