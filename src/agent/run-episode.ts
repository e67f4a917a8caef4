// The one ReAct episode loop shared by data collection and evaluation: reset → model → step … → done.
import type { Message, Trajectory } from "../core/index.js";
import type { EnvBackend, EnvSpec } from "../envs/index.js";
import type { ChatModel } from "../models/index.js";
import { Episode } from "./episode.js";
import type { HistoryPolicy } from "./history.js";

export interface RunEpisodeOptions<Task> {
  spec: EnvSpec<Task>;
  backend: EnvBackend<Task>;
  task: Task;
  model: ChatModel;
  /** Most model replies; default: the env's. */
  maxTurns?: number;
  /** Most new tokens per reply; default: the env's. */
  maxTokens?: number;
  /** Sampling temperature (0 = greedy, as AgentTuning evaluated). */
  temperature?: number;
  history?: HistoryPolicy;
  /** Sample index when a task is run several times (data collection). */
  sample?: number;
  /**
   * What to do when the model server or the env's backend fails: "record" it as a model_error /
   * env_error trajectory (task verification), or "throw" an InfrastructureFailure so that a run
   * keeps it out of its results and retries it (evaluation and collection).
   */
  infrastructureFailures?: "record" | "throw";
  signal?: AbortSignal;
  /** "tools": act through function calls on the env's actions (default "react"). */
  actionFormat?: "react" | "tools";
}

export async function runEpisode<Task>({
  spec,
  backend,
  task,
  model,
  maxTurns,
  maxTokens = backend.maxTokens ?? spec.defaults.maxTokens,
  temperature = 0,
  history,
  sample = 0,
  infrastructureFailures = "record",
  signal,
  actionFormat,
}: RunEpisodeOptions<Task>): Promise<Trajectory> {
  const episode = await Episode.start({
    spec,
    backend,
    task,
    modelId: model.id,
    ...(maxTurns !== undefined ? { maxTurns } : {}),
    ...(history ? { history } : {}),
    sample,
    ...(actionFormat ? { actionFormat } : {}),
  });
  try {
    const env = episode.env;
    if (!episode.done && env) {
      const episodeModel = (await model.forEpisode?.({ taskId: episode.taskId, task, sample })) ?? model;
      // an env that sends raw text: a completions endpoint where the model has one, else one user turn
      if (env.textPrompt) episode.textPrompt = episodeModel.completeText ? "completion" : "user-turn";
      const topLogprobs = env.firstTokenLogprobs ? { topLogprobs: env.firstTokenLogprobs } : {};
      // tools mode: the env's actions go to the model as tools
      const tools = episode.tools;
      // a protocol's own temperature for this episode (MT-Bench's per category) wins over the run's
      const options = {
        maxTokens,
        temperature: env.temperature ?? temperature,
        signal,
        ...topLogprobs,
        ...(tools ? { tools } : {}),
      };
      const modelCall = (prompt: Message[]) => {
        if (!env.textPrompt) return episodeModel.complete(prompt, options);
        const text = env.textPrompt(episode.conversation);
        const textOptions = { ...options, ...(text.stop ? { stop: text.stop } : {}) };
        return episodeModel.completeText
          ? episodeModel.completeText(text.prompt, textOptions)
          : episodeModel.complete([{ role: "user", content: text.prompt }], textOptions);
      };
      while (!episode.done) {
        const prompt = episode.prompt();
        if (!prompt) break;
        let completion: Awaited<ReturnType<typeof modelCall>>;
        try {
          completion = await modelCall(prompt);
        } catch (cause) {
          episode.modelFailed(cause);
          break;
        }
        await episode.respond(completion.text, {
          truncated: completion.truncated === true,
          ...(completion.usage ? { usage: completion.usage } : {}),
          ...(completion.firstTokenLogprobs
            ? { extra: { firstTokenLogprobs: completion.firstTokenLogprobs } }
            : {}),
          ...(completion.toolCalls ? { toolCalls: completion.toolCalls } : {}),
        });
      }
    }
  } finally {
    await episode.close();
  }
  if (episode.infrastructure && infrastructureFailures === "throw") throw episode.infrastructure;
  return episode.trajectory();
}
