// ALFWorld in AgentBench's function-calling protocol (main branch, src/server/tasks/alfworld/task.py):
// no worked example; a system prompt, then the task with its available actions; each round the first
// call's first argument is the action (any tool name), its result a tool turn with the new actions.
import type { Message } from "../../core/index.js";
import { type FcTexts, readCallArguments } from "../lib/agentbench/fc.js";
import { pythonStrip } from "../lib/python-string.js";
import type { CallingOracleSolver, CallingReply, CallingStepResult, Environment } from "../types.js";
import { type Game, planGame } from "./games.js";
import { availableActions, cleanObservation, mapToAdmissible, taskIntro } from "./protocol.js";
import { World } from "./world.js";

/** get_available_actions (task.py): the list after every observation, as v0.2 prints it. */
const listed = (commands: readonly string[]) => availableActions(commands, "agentbench-v0.2");

export class AlfworldCallingEnvironment implements Environment {
  private readonly world: World;
  /** The raw first arguments of the calls that ran, for the three-repeats rule. */
  private readonly outputs: string[] = [];

  constructor(
    game: Game,
    private readonly texts: FcTexts,
  ) {
    this.world = new World(structuredClone(game.state));
  }

  async reset() {
    return {
      messages: [
        { role: "system", content: this.texts.system },
        {
          role: "user",
          content: `Here is your task. ${taskIntro(this.world.intro())}${listed(this.world.admissibleCommands())}`,
        },
      ] satisfies Message[],
    };
  }

  async step(): Promise<never> {
    throw new Error("alfworld (agentbench-fc) acts on tool calls: use stepCalls");
  }

  async stepCalls({ toolCalls }: CallingReply): Promise<CallingStepResult> {
    const user = (content: string): CallingStepResult => ({
      messages: [{ role: "user", content }],
      done: false,
      reward: 0,
    });
    const call = toolCalls[0];
    if (!call) return user("No executable tool calls found. Please call a tool instead");
    // the try block of alfworld_run: arguments that are no JSON object, no first value, or no string
    const read = readCallArguments(call.arguments);
    const output = read.ok ? read.values[0] : undefined;
    if (typeof output !== "string") return user("No valid tool calls found. Please call a tool instead.");
    const action = mapToAdmissible(
      pythonStrip(output).toLowerCase().split("\n")[0] ?? "",
      this.world.admissibleCommands(),
    );
    const observation = cleanObservation(this.world.step(action));
    const messages: Message[] = [
      { role: "tool", toolCallId: call.id, content: observation + listed(this.world.admissibleCommands()) },
    ];
    this.outputs.push(output);
    const steps = this.outputs.length;
    const lastThree = this.outputs.slice(-3);
    // checked before the win, with more than three steps logged (task.py)
    if (steps > 3 && lastThree.every((o) => o === lastThree[0]))
      return { messages, done: true, reward: 0, failure: "invalid_action", info: { steps, repeated: true } };
    if (this.world.won) return { messages, done: true, reward: 1, info: { steps } };
    return { messages, done: false, reward: 0 };
  }

  async close() {}
}

/** The oracle: the game's plan, one take_action call a round. */
export function alfworldCallingOracle(game: Game): CallingOracleSolver {
  const plan = planGame(game);
  return {
    reply(messages) {
      const done = messages.filter((m) => m.role === "assistant" && m.toolCalls?.length).length;
      return { calls: [{ name: "take_action", arguments: { action: plan[done] ?? "look" } }] };
    },
  };
}
