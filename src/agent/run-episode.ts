// The one ReAct episode loop shared by data collection and evaluation: reset → model → step … → done.
import type { FailureLabel, Message, Trajectory, Usage } from "../core/index.js";
import { addUsage, EnvError, ModelError } from "../core/index.js";
import type { EnvBackend, EnvSpec } from "../envs/index.js";
import type { ChatModel } from "../models/index.js";
import { type HistoryPolicy, truncateHistory } from "./history.js";

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
  signal?: AbortSignal;
}

export async function runEpisode<Task>({
  spec,
  backend,
  task,
  model,
  maxTurns = backend.maxTurns ?? spec.defaults.maxTurns,
  maxTokens = backend.maxTokens ?? spec.defaults.maxTokens,
  temperature = 0,
  history,
  sample = 0,
  signal,
}: RunEpisodeOptions<Task>): Promise<Trajectory> {
  const taskId = spec.taskId(task);
  const startedAt = new Date();
  let messages: Message[] = [];
  let turns = 0;
  let reward = 0;
  let failure: FailureLabel | undefined;
  let error: string | undefined;
  let info: Record<string, unknown> | undefined;
  let usage: Usage | undefined;
  let independentTurns = false;

  const finish = (): Trajectory => ({
    id: `${spec.name}/${taskId}/${sample}`,
    env: spec.name,
    taskId,
    model: model.id,
    messages,
    reward,
    success: reward >= 1 && !failure,
    turns,
    ...(independentTurns ? { independentTurns } : {}),
    ...(failure ? { failure } : {}),
    ...(error ? { error } : {}),
    ...(info ? { info } : {}),
    ...(usage ? { usage } : {}),
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
  });

  let env: Awaited<ReturnType<typeof backend.create>>;
  try {
    env = await backend.create(task);
    messages = (await env.reset()).messages;
  } catch (cause) {
    failure = "env_error";
    error = errorText(cause);
    return finish();
  }
  const prefixLength = messages.length;
  independentTurns = env.independentTurns === true;
  const episodeModel = (await model.forEpisode?.({ taskId, task })) ?? model;
  try {
    while (true) {
      if (turns >= maxTurns) {
        failure = "round_limit";
        break;
      }
      const prompt = env.independentTurns
        ? truncateHistory(messages.slice(-1), 1, history)
        : truncateHistory(messages, prefixLength, history);
      if (!prompt) {
        failure = "context_limit";
        break;
      }
      let reply: string;
      let truncated = false;
      try {
        const completion = await episodeModel.complete(prompt, { maxTokens, temperature, signal });
        reply = completion.text;
        truncated = completion.truncated === true;
        usage = addUsage(usage, completion.usage);
      } catch (cause) {
        failure = ModelError.isInstance(cause) && cause.contextLimit ? "context_limit" : "model_error";
        error = errorText(cause);
        break;
      }
      messages.push({ role: "assistant", content: reply, ...(truncated ? { truncated } : {}) });
      turns++;
      let result: Awaited<ReturnType<typeof env.step>>;
      try {
        result = await env.step(reply);
      } catch (cause) {
        failure = "env_error";
        error = errorText(cause);
        break;
      }
      if (result.done) {
        reward = result.reward;
        info = result.info;
        failure = result.failure ?? (reward < 1 ? "wrong_answer" : undefined);
        break;
      }
      messages.push({ role: "user", content: result.observation });
    }
  } finally {
    await env.close().catch(() => {});
  }
  return finish();
}

function errorText(cause: unknown): string {
  if (ModelError.isInstance(cause) || EnvError.isInstance(cause)) return cause.message;
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
}
