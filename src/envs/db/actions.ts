// dbbench's two actions as tools: run one SQL statement, or commit the final answer. The ReAct text is
// AgentBench's ("Action: Operation" + a ```sql block; "Action: Answer" + "Final Answer: [...]").
import type { ActionDefinition } from "../types.js";
import { parseDbAction } from "./action.js";

/** The answer list as AgentBench's eval reads it back (a Python list literal). */
const listLiteral = (values: readonly unknown[]) =>
  `[${values.map((v) => (typeof v === "number" ? String(v) : JSON.stringify(String(v)))).join(", ")}]`;

export const dbActions: readonly ActionDefinition[] = [
  {
    tool: {
      name: "execute_sql",
      description: "Run one SQL statement on the database and see its result.",
      parameters: {
        type: "object",
        properties: { sql: { type: "string", description: "one SQL statement (MySQL dialect)" } },
        required: ["sql"],
      },
    },
    toReact: ({ sql }) => `Action: Operation\n\`\`\`sql\n${String(sql)}\n\`\`\``,
    fromReact: (reply) => {
      const action = parseDbAction(reply);
      return action.kind === "operation" ? { sql: action.sql } : undefined;
    },
  },
  {
    tool: {
      name: "commit_final_answer",
      description:
        "Commit the final answer: the values the question asks for, or an empty list after a statement that changes the table.",
      parameters: {
        type: "object",
        properties: {
          answers: { type: "array", items: { type: ["string", "number"] }, description: "the answer values" },
        },
        required: ["answers"],
      },
    },
    toReact: ({ answers }) =>
      `Action: Answer\nFinal Answer: ${listLiteral(Array.isArray(answers) ? answers : [answers])}`,
    fromReact: (reply) => {
      const action = parseDbAction(reply);
      if (action.kind !== "answer") return undefined;
      try {
        const answers = JSON.parse(action.answer.trim()) as unknown;
        return { answers: Array.isArray(answers) ? answers : [answers] };
      } catch {
        return { answers: [action.answer.trim()] };
      }
    },
  },
];
