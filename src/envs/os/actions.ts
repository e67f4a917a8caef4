// os_interaction's three actions as tools: run a bash script, answer, finish. The ReAct text is
// AgentBench's "Act: bash" + a ```bash block, "Act: answer(…)", "Act: finish".
import type { ActionDefinition } from "../types.js";
import { parseOsAction } from "./action.js";

export const osActions: readonly ActionDefinition[] = [
  {
    tool: {
      name: "bash_action",
      description: "Run a bash script in the Linux machine and see its output.",
      parameters: {
        type: "object",
        properties: { script: { type: "string", description: "the bash script" } },
        required: ["script"],
      },
    },
    toReact: ({ script }) => `Act: bash\n\n\`\`\`bash\n${String(script)}\n\`\`\``,
    fromReact: (reply) => {
      const action = parseOsAction(reply);
      return action.kind === "bash" ? { script: action.code } : undefined;
    },
  },
  {
    tool: {
      name: "answer_action",
      description: "Answer the question (when the task asks for an answer).",
      parameters: {
        type: "object",
        properties: { answer: { type: "string", description: "the answer" } },
        required: ["answer"],
      },
    },
    toReact: ({ answer }) => `Act: answer(${String(answer)})`,
    fromReact: (reply) => {
      const action = parseOsAction(reply);
      return action.kind === "commit" && action.answer !== undefined ? { answer: action.answer } : undefined;
    },
  },
  {
    tool: {
      name: "finish_action",
      description: "Say that the task is done (when the task asks for an operation, not an answer).",
      parameters: { type: "object", properties: {} },
    },
    toReact: () => "Act: finish",
    fromReact: (reply) => {
      const action = parseOsAction(reply);
      return action.kind === "commit" && action.answer === undefined ? {} : undefined;
    },
  },
];
