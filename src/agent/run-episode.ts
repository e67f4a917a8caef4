// The one ReAct episode loop shared by data collection and evaluation: reset → model → step … → done.
import type { FailureLabel, Message, StepResult, Trajectory, Usage } from "../core/index.js";
import { addUsage, EnvError, InfrastructureFailure, ModelError } from "../core/index.js";
import type { EnvBackend, EnvSpec, StepExtra } from "../envs/index.js";
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
  /**
   * What to do when the model server or the env's backend fails: "record" it as a model_error /
   * env_error trajectory (task verification), or "throw" an InfrastructureFailure so that a run
   * keeps it out of its results and retries it (evaluation and collection).
   */
  infrastructureFailures?: "record" | "throw";
  signal?: AbortSignal;
}

/** Most characters of one model reply kept in a trajectory; the full length is recorded beside it. */
export const storedReplyLimit = 64 * 1024;

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
  infrastructureFailures = "record",
  signal,
}: RunEpisodeOptions<Task>): Promise<Trajectory> {
  const taskId = spec.taskId(task);
  const id = `${spec.name}/${taskId}/${sample}`;
  const startedAt = new Date();
  let messages: Message[] = [];
  let turns = 0;
  let reward = 0;
  let failure: FailureLabel | undefined;
  let error: string | undefined;
  let info: Record<string, unknown> | undefined;
  let usage: Usage | undefined;
  let independentTurns = false;
  let roundContext = 0;
  let textPrompt: "completion" | "user-turn" | undefined;
  let infrastructure: InfrastructureFailure | undefined;
  const backendFailed = (cause: unknown) => {
    failure = "env_error";
    error = errorText(cause);
    infrastructure = new InfrastructureFailure(`${id}: env backend: ${error}`, {
      source: "env",
      episodeId: id,
      cause,
    });
  };

  const finish = (): Trajectory => {
    if (infrastructure && infrastructureFailures === "throw") throw infrastructure;
    return trajectory();
  };
  const trajectory = (): Trajectory => ({
    id,
    env: spec.name,
    taskId,
    model: model.id,
    messages,
    reward,
    success: reward >= 1 && !failure,
    turns,
    ...(independentTurns ? { independentTurns } : {}),
    ...(roundContext ? { roundContext } : {}),
    ...(textPrompt ? { textPrompt } : {}),
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
  } catch (cause) {
    backendFailed(cause);
    return finish();
  }
  let opening: Awaited<ReturnType<typeof env.reset>>;
  try {
    opening = await env.reset();
  } catch (cause) {
    await env.close().catch(() => {});
    backendFailed(cause);
    return finish();
  }
  messages = opening.messages;
  if (opening.finished) {
    // the harness ended the sample before the agent's first turn (an init script that failed)
    await env.close().catch(() => {});
    reward = opening.finished.reward;
    info = opening.finished.info && capStrings(opening.finished.info);
    failure = opening.finished.failure ?? (reward < 1 ? "wrong_answer" : undefined);
    return finish();
  }
  const prefixLength = messages.length;
  independentTurns = env.independentTurns === true;
  // with independent turns, the opening's turns before its question (few-shot examples) go before
  // every round's question
  if (independentTurns) roundContext = prefixLength - 1;
  const episodeModel = (await model.forEpisode?.({ taskId, task })) ?? model;
  // an env that sends raw text: a completions endpoint where the model has one, else one user turn
  if (env.textPrompt) textPrompt = episodeModel.completeText ? "completion" : "user-turn";
  const topLogprobs = env.firstTokenLogprobs ? { topLogprobs: env.firstTokenLogprobs } : {};
  // a protocol's own temperature for this episode (MT-Bench's per category) wins over the run's
  const sampling = env.temperature ?? temperature;
  const modelCall = (prompt: Message[]) => {
    if (!env.textPrompt)
      return episodeModel.complete(prompt, { maxTokens, temperature: sampling, signal, ...topLogprobs });
    const text = env.textPrompt(messages);
    const options = {
      maxTokens,
      temperature: sampling,
      signal,
      ...topLogprobs,
      ...(text.stop ? { stop: text.stop } : {}),
    };
    return episodeModel.completeText
      ? episodeModel.completeText(text.prompt, options)
      : episodeModel.complete([{ role: "user", content: text.prompt }], options);
  };
  try {
    while (true) {
      if (turns >= maxTurns) {
        failure = "round_limit";
        break;
      }
      const prompt = env.trimHistory
        ? env.trimHistory(messages)
        : env.independentTurns
          ? truncateHistory(
              [...messages.slice(0, roundContext), ...messages.slice(-1)],
              roundContext + 1,
              history,
            )
          : truncateHistory(messages, prefixLength, history);
      if (!prompt) {
        failure = "context_limit";
        break;
      }
      let reply: string;
      let truncated = false;
      let extra: StepExtra | undefined;
      try {
        const completion = await modelCall(prompt);
        reply = completion.text;
        if (completion.firstTokenLogprobs) extra = { firstTokenLogprobs: completion.firstTokenLogprobs };
        truncated = completion.truncated === true;
        usage = addUsage(usage, completion.usage);
      } catch (cause) {
        const modelError = ModelError.isInstance(cause) ? cause : undefined;
        failure = modelError?.contextLimit ? "context_limit" : "model_error";
        error = errorText(cause);
        if (!modelError?.contextLimit && !modelError?.countsAsResult)
          infrastructure = new InfrastructureFailure(`${id}: model: ${error}`, {
            source: "model",
            episodeId: id,
            status: modelError?.status,
            cause,
          });
        break;
      }
      messages.push(storedReply(reply, truncated));
      turns++;
      let result: Awaited<ReturnType<typeof env.step>>;
      try {
        result = await env.step(reply, extra);
      } catch (cause) {
        backendFailed(cause);
        break;
      }
      if (result.rewrite) rewriteHistory(messages, result.rewrite);
      if (result.done) {
        reward = result.reward;
        info = result.info && capStrings(result.info);
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

/**
 * The assistant turn as kept in the trajectory (and in later prompts): a runaway reply is cut to
 * storedReplyLimit characters, with its full length recorded, so a verbose model cannot bloat a run.
 * The env still acts on the whole reply.
 */
function storedReply(reply: string, truncated: boolean): Message {
  const cut = reply.length > storedReplyLimit;
  return {
    role: "assistant",
    content: cut ? reply.slice(0, storedReplyLimit) : reply,
    ...(truncated ? { truncated } : {}),
    ...(cut ? { length: reply.length } : {}),
  };
}

/** The env's episode info with every string over storedReplyLimit cut (it may echo the reply's answer). */
function capStrings(info: Record<string, unknown>): Record<string, unknown> {
  const cap = (value: unknown): unknown => {
    if (typeof value === "string")
      return value.length > storedReplyLimit
        ? `${value.slice(0, storedReplyLimit)}… (${value.length} characters)`
        : value;
    if (Array.isArray(value)) return value.map(cap);
    if (value && typeof value === "object")
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cap(v)]));
    return value;
  };
  return cap(info) as Record<string, unknown>;
}

/** Applies a step's rewrite to the newest reply and the observation it answered. */
function rewriteHistory(messages: Message[], rewrite: NonNullable<StepResult["rewrite"]>): void {
  const reply = messages.at(-1);
  if (reply?.role === "assistant" && rewrite.reply !== undefined)
    messages[messages.length - 1] = { ...reply, content: rewrite.reply };
  const observation = messages.at(-2);
  if (observation?.role === "user" && rewrite.observation !== undefined)
    messages[messages.length - 2] = { ...observation, content: rewrite.observation };
}

function errorText(cause: unknown): string {
  if (ModelError.isInstance(cause) || EnvError.isInstance(cause)) return cause.message;
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
}
