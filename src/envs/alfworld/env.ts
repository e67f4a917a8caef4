// One ALFWorld game as AgentBench runs it: at most 35 steps, reward 1 when the goal is satisfied, and
// 0 when the last three replies are identical from the fourth step on (checked before the win, as
// AgentBench.old src/tasks/alfworld/task.py:206-215 does).
import type { StepResult } from "../../core/index.js";
import { defaultProtocol, type Environment, type Protocol } from "../types.js";
import type { Game } from "./games.js";
import { alfworldMessages, cleanObservation, processAlfworldAction } from "./protocol.js";
import { World } from "./world.js";

export const defaultAlfworldRoundLimit = 35;

export class AlfworldEnvironment implements Environment {
  private readonly world: World;
  private readonly replies: string[] = [];

  constructor(
    private readonly game: Game,
    private readonly roundLimit = defaultAlfworldRoundLimit,
    private readonly protocol: Protocol = defaultProtocol,
  ) {
    this.world = new World(structuredClone(game.state));
  }

  async reset() {
    return { messages: alfworldMessages(this.game.state.goal.type, this.world.intro()) };
  }

  async step(reply: string): Promise<StepResult> {
    const action = processAlfworldAction(reply, this.world.admissibleCommands(), this.protocol);
    if (action === undefined)
      return {
        observation: "",
        reward: 0,
        done: true,
        failure: "invalid_format",
        info: { steps: this.replies.length },
      };
    this.replies.push(reply);
    const observation = cleanObservation(this.world.step(action));
    const steps = this.replies.length;
    const lastThree = this.replies.slice(-3);
    if (steps > 3 && lastThree.every((r) => r === lastThree[0]))
      return {
        observation: "",
        reward: 0,
        done: true,
        failure: "invalid_action",
        info: { steps, repeated: true },
      };
    if (this.world.won) return { observation: "", reward: 1, done: true, info: { steps } };
    if (steps >= this.roundLimit) return { observation: "", reward: 0, done: true, failure: "round_limit" };
    return { observation, reward: 0, done: false };
  }

  async close() {}
}
