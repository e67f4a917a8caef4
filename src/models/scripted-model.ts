// Replays scripted replies per task from JSONL (`{"taskId", "replies"}`), in order; for tests and demos.
import { z } from "zod";
import { InputError, ModelError, readJsonlAll } from "../core/index.js";
import type { ChatModel, Completion, EpisodeContext } from "./types.js";

export const scriptLineSchema = z.object({ taskId: z.string(), replies: z.array(z.string()) });
export type ScriptLine = z.infer<typeof scriptLineSchema>;

export class ScriptedModel implements ChatModel {
  readonly id: string;

  constructor(
    private readonly scripts: ReadonlyMap<string, readonly string[]>,
    { id = "scripted" }: { id?: string } = {},
  ) {
    this.id = id;
  }

  static async fromFile(file: string): Promise<ScriptedModel> {
    const scripts = new Map<string, string[]>();
    for (const { line, value } of await readJsonlAll(file, scriptLineSchema)) {
      if (scripts.has(value.taskId))
        throw new InputError(`${file}:${line}: taskId: duplicate "${value.taskId}"`);
      scripts.set(value.taskId, value.replies);
    }
    return new ScriptedModel(scripts, { id: `scripted:${file}` });
  }

  forEpisode({ taskId }: EpisodeContext): ChatModel {
    const replies = this.scripts.get(taskId) ?? [];
    let next = 0;
    return {
      id: this.id,
      complete: async (): Promise<Completion> => {
        const text = replies[next++];
        if (text === undefined) {
          throw new ModelError(`scripted model: no reply ${next} for task "${taskId}" in ${this.id}`, {
            countsAsResult: true, // the script is the agent: running out is its own outcome
          });
        }
        return { text };
      },
    };
  }

  async complete(): Promise<Completion> {
    throw new ModelError("scripted model: used outside an episode (no taskId)");
  }
}
