// The dbbench oracle: runs the task's gold SQL through the action format, then commits the answer.
// Its replies are bare actions without a thought, like gold trajectories; `agenttune rationale` adds them.
import type { Message } from "../../core/index.js";
import type { OracleSolver } from "../types.js";
import { type DbTask, dbTaskType, goldSql, isModifyingType } from "./tasks.js";

export function dbOracle(task: DbTask): OracleSolver {
  const modifying = isModifyingType(dbTaskType(task));
  const gold = goldSql(task);
  return {
    reply(messages: readonly Message[]): string {
      const ranGold = messages.some((m) => m.role === "assistant" && m.content.includes("Action: Operation"));
      if (gold && !ranGold)
        return `Action: Operation\n\`\`\`sql\n${gold.replaceAll("\n", " ").trim()}\n\`\`\``;
      return `Action: Answer\nFinal Answer: ${modifying ? '["none"]' : pythonList(task.label)}`;
    },
  };
}

/** A Python list literal that AgentBench's eval reads back as the label. */
function pythonList(values: readonly unknown[]): string {
  return `[${values.map((v) => (typeof v === "number" ? String(v) : JSON.stringify(String(v)))).join(", ")}]`;
}
