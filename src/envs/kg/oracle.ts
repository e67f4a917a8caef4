// The knowledgegraph oracle: replays the gold action sequence through the tool protocol, one action a
// turn, then commits the last variable.
import type { Message } from "../../core/index.js";
import type { OracleSolver } from "../types.js";
import type { KgTask } from "./tasks.js";

const createsVariable = (action: string) => !/^\s*(get_relations|get_attributes)\(/.test(action);

/** The variable the gold actions end on: the answer (#n counts the actions that make a variable). */
export const answerVariable = (task: KgTask) => task.actions.filter(createsVariable).length - 1;

export function kgOracle(task: KgTask): OracleSolver {
  return {
    reply(messages: readonly Message[]): string {
      // the task's own turns come after the instructions, acknowledgement and one-shot (12 turns)
      const done = messages.slice(14).filter((m) => m.role === "assistant").length;
      const action = task.actions[done];
      if (action !== undefined) return `Thought: I follow the plan to the answer.\nAction: ${action}`;
      const answer = answerVariable(task);
      return `Thought: #${answer} is the answer.\nFinal Answer: #${answer}`;
    },
  };
}
