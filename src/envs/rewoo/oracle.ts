// The rewoo oracle: a plan with one Wikipedia step per supporting page, then the gold answer from the
// solver. Questions without supporting pages (GSM8K, generic) get a plan with no steps.
import type { Message } from "../../core/index.js";
import type { OracleSolver } from "../types.js";
import type { RewooTask } from "./tasks.js";

export function rewooOracle(task: RewooTask): OracleSolver {
  return {
    reply(messages: readonly Message[]): string {
      // each call is a fresh prompt: the planner's lists the tools (Planner.py's fixed header); the
      // oracle plans no LLM step, so any other prompt is the solver's
      if (messages.at(-1)?.content.includes("Tools can be one of the following:\n")) {
        return (task.supporting ?? [])
          .map(
            (title, i) =>
              `Plan: Search for more information about ${title}.\n#E${i + 1} = Wikipedia[${title}]`,
          )
          .join("\n");
      }
      return task.answer;
    },
  };
}
