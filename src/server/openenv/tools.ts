// The tools an OpenEnv session lists: the env's actions (one definition per env, shared with
// `--action-format tools`), a function-calling protocol's own tools (agentbench-fc), or, for an env
// whose actions are free text (ReAct, one-turn answers), one tool that carries the whole reply.
import type { ToolSpec } from "../../core/index.js";
import type { EnvSpec } from "../../envs/index.js";
import type { ToolInfo } from "./protocol.js";

/** The tool of a text-action session and the argument that holds the reply. */
export interface TextTool {
  info: ToolInfo;
  argument: string;
}

/** One-turn envs answer; multi-turn text envs act with a reply in their own format. */
export function textTool(spec: EnvSpec<unknown>): TextTool {
  if (spec.benchmark.category === "general")
    return {
      argument: "answer",
      info: {
        name: "answer",
        description: "Give your answer to the question, in the form the prompt asks for.",
        input_schema: {
          type: "object",
          properties: { answer: { type: "string", description: "the whole answer text" } },
          required: ["answer"],
        },
      },
    };
  return {
    argument: "reply",
    info: {
      name: "act",
      description: `Take your next turn in ${spec.name}: your whole reply, in the format the prompt asks for.`,
      input_schema: {
        type: "object",
        properties: { reply: { type: "string", description: "the reply text (e.g. Thought: … Action: …)" } },
        required: ["reply"],
      },
    },
  };
}

export const toolInfo = (tool: ToolSpec): ToolInfo => ({
  name: tool.name,
  description: tool.description,
  input_schema: tool.parameters,
});
