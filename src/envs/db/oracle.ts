// The dbbench oracle: runs the task's gold SQL through the action format, then commits the answer.
import type { Message } from "../../core/index.js";
import type { OracleSolver } from "../types.js";
import { type DbTask, dbTaskType, goldSql, isModifyingType } from "./tasks.js";

export function dbOracle(task: DbTask): OracleSolver {
  const modifying = isModifyingType(dbTaskType(task));
  const gold = goldSql(task);
  return {
    reply(messages: readonly Message[]): string {
      const ranGold = messages.some((m) => m.role === "assistant" && m.content.includes("Action: Operation"));
      if (gold && !ranGold) {
        const why = modifying
          ? "I need to change the table as asked, so I run the statement that does it."
          : "I look the answer up in the table.";
        return `${why}\nAction: Operation\n\`\`\`sql\n${gold.replaceAll("\n", " ").trim()}\n\`\`\``;
      }
      if (modifying)
        return 'The statement ran, so the table is changed as asked.\nAction: Answer\nFinal Answer: ["none"]';
      return `The answer is in the result.\nAction: Answer\nFinal Answer: ${pythonList(task.label)}`;
    },
  };
}

/** A Python list literal that AgentBench's eval reads back as the label. */
function pythonList(values: readonly unknown[]): string {
  return `[${values.map((v) => (typeof v === "number" ? String(v) : JSON.stringify(String(v)))).join(", ")}]`;
}
