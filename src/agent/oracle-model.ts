// The "oracle" model: an env's oracle solver behind the ChatModel interface (teacher for offline runs).
import { ModelError } from "../core/index.js";
import type { EnvSpec } from "../envs/index.js";
import type { ChatModel, Completion, EpisodeContext } from "../models/index.js";

export function oracleModel<Task>(spec: EnvSpec<Task>): ChatModel {
  return {
    id: "oracle",
    async complete(): Promise<Completion> {
      throw new ModelError("oracle model: used outside an episode (no task)");
    },
    forEpisode({ task }: EpisodeContext): ChatModel {
      const solver = spec.oracle(spec.taskSchema.parse(task));
      return { id: "oracle", complete: async (messages) => ({ text: solver.reply(messages) }) };
    },
  };
}
