// The "oracle" model: an env's oracle solver behind the ChatModel interface (teacher for offline runs).
import { ModelError, type ToolSpec } from "../core/index.js";
import {
  type ActionDefinition,
  type CallingOracleSolver,
  type EnvSpec,
  messagesAsReact,
} from "../envs/index.js";
import type { ChatModel, Completion, EpisodeContext } from "../models/index.js";

export function oracleModel<Task>(spec: EnvSpec<Task>): ChatModel {
  return {
    id: "oracle",
    async complete(): Promise<Completion> {
      throw new ModelError("oracle model: used outside an episode (no task)");
    },
    forEpisode({ task }: EpisodeContext): ChatModel {
      const parsed = spec.taskSchema.parse(task);
      const solver = spec.oracle(parsed);
      // a protocol's own tools (agentbench-fc), not the env's actions: its oracle replies with calls;
      // which tools an episode gets does not change, so the first request decides
      let callingSolver: CallingOracleSolver | undefined;
      let protocolTools: boolean | undefined;
      let calls = 0;
      return {
        id: "oracle",
        complete: async (messages, options) => {
          protocolTools ??= Boolean(
            options?.tools && spec.callingOracle && !sameTools(options.tools, spec.actions),
          );
          if (protocolTools && spec.callingOracle) {
            callingSolver ??= spec.callingOracle(parsed);
            const { content = "", calls: made } = callingSolver.reply(messages);
            return {
              text: content,
              toolCalls: made.map((c) => ({
                id: `call_${calls++}`,
                name: c.name,
                arguments: JSON.stringify(c.arguments),
              })),
            };
          }
          if (!options?.tools || !spec.actions) return { text: solver.reply(messages) };
          // tools mode: the solver reads the conversation as ReAct text and its reply becomes a call
          const react = messagesAsReact(messages, spec.actions);
          const text = solver.reply("messages" in react ? react.messages : messages);
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

const sameTools = (tools: readonly ToolSpec[], actions: readonly ActionDefinition[] | undefined) =>
  JSON.stringify(tools) === JSON.stringify(actions?.map((a) => a.tool));
