// One ALFWorld game as AgentBench runs it: at most 35 steps, reward 1 when the goal is satisfied, and
// 0 when the last three replies are identical from the fourth step on (checked before the win, as
// AgentBench.old src/tasks/alfworld/task.py:206-215 does).
import type { StepResult } from "../../core/index.js";
import { defaultProtocol, type Environment, type Protocol } from "../types.js";
import type { Game } from "./games.js";
import {
  type AlfworldTexts,
  alfworldMessages,
  availableActions,
  cleanObservation,
  processAlfworldAction,
} from "./protocol.js";
import { World } from "./world.js";

export const defaultAlfworldRoundLimit = 35;

export class AlfworldEnvironment implements Environment {
  private readonly world: World;
  private readonly replies: string[] = [];
  /** The last user message the agent was shown (v0.2 rewrites it after the reply). */
  private shown = "";

  constructor(
    private readonly game: Game,
    private readonly roundLimit = defaultAlfworldRoundLimit,
    private readonly protocol: Protocol = defaultProtocol,
    private readonly texts?: AlfworldTexts,
  ) {
    this.world = new World(structuredClone(game.state));
  }

  async reset() {
    const suffix = availableActions(this.world.admissibleCommands(), this.protocol);
    const messages = alfworldMessages(this.game.state.goal.type, this.world.intro(), suffix, this.texts);
    this.shown = messages.at(-1)?.content ?? "";
    return { messages };
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
    // v0.2 cuts the list from the observation the reply answered (task.py:195-196)
    const rewrite =
      this.protocol === "agentbench-v0.2"
        ? { observation: this.shown.split("AVAILABLE ACTIONS")[0] ?? "" }
        : undefined;
    this.shown = observation + availableActions(this.world.admissibleCommands(), this.protocol);
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
    if (this.world.won)
      return { observation: "", reward: 1, done: true, info: { steps }, ...(rewrite ? { rewrite } : {}) };
    if (steps >= this.roundLimit)
      return {
        observation: "",
        reward: 0,
        done: true,
        failure: "round_limit",
        ...(rewrite ? { rewrite } : {}),
      };
    return { observation: this.shown, reward: 0, done: false, ...(rewrite ? { rewrite } : {}) };
  }

  async close() {}
}
