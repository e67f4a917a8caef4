// The webarena oracle, for task files that carry `gold_actions` (agenttune's test sites): it takes the
// gold actions in order, putting in each `{role 'name'}` the id the current observation shows for that
// node and the fake domain for a site placeholder, as a model reading the same prompt would.
import type { Message } from "../../core/index.js";
import type { OracleSolver } from "../types.js";
import { type WebarenaTask, webarenaSites } from "./tasks.js";

/** A Python string repr's text (the tree prints names with repr). */
function unrepr(token: string): string {
  return token.slice(1, -1).replace(/\\(.)/g, "$1");
}

/**
 * The id of the first observation line `[id] role 'name'` whose name, trimmed, is the one asked for
 * (labels often end in a space: "Name ").
 */
export function findNodeId(observation: string, role: string, name: string): string | undefined {
  const wanted = unrepr(name).trim();
  for (const line of observation.split("\n")) {
    const match = /^\t*\[(\d+)\] (\S+) ('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")/.exec(line);
    if (match && match[2] === role && unrepr(match[3] as string).trim() === wanted) return match[1];
  }
  return undefined;
}

export function webarenaOracle(task: WebarenaTask): OracleSolver {
  let step = 0;
  return {
    reply(messages: readonly Message[]): string {
      const observation = messages.at(-1)?.content ?? "";
      const gold = task.gold_actions?.[step++];
      if (gold === undefined)
        return "I have no more gold actions. In summary, the next action I will perform is ```stop [N/A]```";
      let action = gold.replace(
        /\{(\S+) ('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")\}/g,
        (whole, role: string, name: string) => {
          return findNodeId(observation, role, name) ?? whole;
        },
      );
      for (const { placeholder, shown } of webarenaSites) action = action.replaceAll(placeholder, shown);
      return `Let's think step-by-step. Following the recorded solution. In summary, the next action I will perform is \`\`\`${action}\`\`\``;
    },
  };
}
