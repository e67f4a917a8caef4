// The "oracle" model: an env's oracle solver behind the ChatModel interface (teacher for offline runs).

import type { Message } from "../core/index.js";
import { ModelError } from "../core/index.js";
import type { ActionDefinition, EnvSpec } from "../envs/index.js";
import type { ChatModel, Completion, EpisodeContext } from "../models/index.js";

export function oracleModel<Task>(spec: EnvSpec<Task>): ChatModel {
  return {
    id: "oracle",
    async complete(): Promise<Completion> {
      throw new ModelError("oracle model: used outside an episode (no task)");
    },
    forEpisode({ task }: EpisodeContext): ChatModel {
      const solver = spec.oracle(spec.taskSchema.parse(task));
      let calls = 0;
      return {
        id: "oracle",
        complete: async (messages, options) => {
          if (!options?.tools || !spec.actions) return { text: solver.reply(messages) };
          // tools mode: the solver reads the conversation as ReAct text and its reply becomes a call
          const text = solver.reply(asReact(messages, spec.actions));
          for (const action of spec.actions) {
            const args = action.fromReact(text);
            if (args)
              return {
                text: "",
                toolCalls: [
                  { id: `call_${calls++}`, name: action.tool.name, arguments: JSON.stringify(args) },
                ],
              };
          }
          return { text };
        },
      };
    },
  };
}

/** A tools-mode conversation as the env's ReAct text: calls rendered as actions, tool results as user turns. */
function asReact(messages: readonly Message[], actions: readonly ActionDefinition[]): Message[] {
  return messages.map((m): Message => {
    if (m.role === "tool") return { role: "user", content: m.content };
    const call = m.toolCalls?.[0];
    const action = call && actions.find((a) => a.tool.name === call.name);
    if (!call || !action) return m;
    return {
      role: "assistant",
      content: action.toReact(JSON.parse(call.arguments) as Record<string, unknown>),
    };
  });
}
