// ScienceWorld's two moves as tools: think (AgentTuning's "Think:", answered "OK.") and act (its
// "Action:", mapped onto the simulator's valid actions as the text would be).
import type { ActionDefinition } from "../types.js";
import { cleanSciworldReply } from "./env.js";

export const sciworldActions: readonly ActionDefinition[] = [
  {
    tool: {
      name: "take_action",
      description:
        'Do one thing in the simulated world, as a ScienceWorld command, e.g. "open door to kitchen", "pick up thermometer", "focus on orange".',
      parameters: {
        type: "object",
        properties: { action: { type: "string", description: "the command" } },
        required: ["action"],
      },
    },
    toReact: ({ action }) => `Action: ${String(action)}`,
    fromReact: (reply) => {
      const text = cleanSciworldReply(reply);
      return text.startsWith("Think:") ? undefined : { action: text.replaceAll("Action:", "").trim() };
    },
  },
  {
    tool: {
      name: "think",
      description: "Think before acting; the world does not change.",
      parameters: {
        type: "object",
        properties: { thought: { type: "string", description: "the thought" } },
        required: ["thought"],
      },
    },
    toReact: ({ thought }) => `Think: ${String(thought)}`,
    fromReact: (reply) => {
      const text = cleanSciworldReply(reply);
      return text.startsWith("Think:") ? { thought: text.slice("Think:".length).trim() } : undefined;
    },
  },
];
