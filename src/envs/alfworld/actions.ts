// ALFWorld's one action as a tool: a household command ("go to shelf 1", "take mug 2 from desk 1").
// The ReAct text is AgentBench's "ACTION: <command>".
import type { ActionDefinition } from "../types.js";
import { parseAlfworldAction } from "./protocol.js";

export const alfworldActions: readonly ActionDefinition[] = [
  {
    tool: {
      name: "take_action",
      description:
        'Do one thing in the household, as one of the commands the game accepts, e.g. "go to shelf 1", "open drawer 2", "take mug 1 from desk 1", "put mug 1 in/on coffeemachine 1".',
      parameters: {
        type: "object",
        properties: { action: { type: "string", description: "the command, lower case" } },
        required: ["action"],
      },
    },
    toReact: ({ action }) => `ACTION: ${String(action)}`,
    fromReact: (reply) => {
      const action = parseAlfworldAction(reply);
      return action === undefined ? undefined : { action };
    },
  },
];
