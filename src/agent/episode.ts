// One episode as a state machine: start (create + reset), then for each turn the prompt the agent
// gets and the agent's reply, until done; then the trajectory. runEpisode drives it with a ChatModel;
// the AgentBench-compatible task server drives it with replies that come over HTTP.
import type { FailureLabel, Message, ToolCall, ToolSpec, Trajectory, Usage } from "../core/index.js";
import { addUsage, EnvError, InfrastructureFailure, InputError, ModelError } from "../core/index.js";
import {
  type ActionDefinition,
  type EnvBackend,
  type Environment,
  type EnvSpec,
  type StepExtra,
  withToolsNote,
} from "../envs/index.js";
import { type HistoryPolicy, truncateHistory } from "./history.js";

/** Most characters of one model reply kept in a trajectory; the full length is recorded beside it. */
export const storedReplyLimit = 64 * 1024;

export interface EpisodeOptions<Task> {
  spec: EnvSpec<Task>;
  backend: EnvBackend<Task>;
  task: Task;
  /** Written into the trajectory. */
  modelId: string;
  /** Most agent replies; default: the env's. */
  maxTurns?: number;
  history?: HistoryPolicy;
  /** Sample index when a task is run several times (data collection). */
  sample?: number;
  /** "tools": the agent acts through function calls on the env's actions (default "react": text). */
  actionFormat?: "react" | "tools";
}

/** What a tool result says when a reply made several calls: only the first one is run. */
export const notExecutedText = "Not executed: one action per turn; only the first call of a reply runs.";

/** What came with a reply besides its text. */
export interface ReplyMeta {
  truncated?: boolean;
  usage?: Usage;
  extra?: StepExtra;
  /** Tools mode: the calls the reply made. */
  toolCalls?: ToolCall[];
}

export class Episode<Task> {
  readonly id: string;
  readonly taskId: string;
  private messages: Message[] = [];
  private turns = 0;
  private reward = 0;
  private failure: FailureLabel | undefined;
  private error: string | undefined;
  private info: Record<string, unknown> | undefined;
  private usage: Usage | undefined;
  private roundContext = 0;
  private independentTurns = false;
  private prefixLength = 0;
  private finished = false;
  private readonly startedAt = new Date();
  /** How an env's raw-text prompt reached the model, when the env sends one. */
  textPrompt: "completion" | "user-turn" | undefined;
  /** The env's newest observation text, also the one a finished episode ends on (not kept as a turn). */
  lastObservation = "";
  /** Set when the model server or the env's backend failed: no result, retry the episode. */
  infrastructure: InfrastructureFailure | undefined;
  env: Environment | undefined;
  private readonly maxTurns: number;
  /** Tools mode: the env's actions. */
  private readonly actions: readonly ActionDefinition[] | undefined;
  /** A function-calling protocol's own tools (agentbench-fc): the env acts on the calls itself. */
  private readonly protocolTools: readonly ToolSpec[] | undefined;

  private constructor(private readonly options: EpisodeOptions<Task>) {
    const { spec, backend, task, sample = 0 } = options;
    this.taskId = spec.taskId(task);
    this.id = `${spec.name}/${this.taskId}/${sample}`;
    this.maxTurns = options.maxTurns ?? backend.maxTurns ?? spec.defaults.maxTurns;
    this.protocolTools = backend.tools;
    if (options.actionFormat === "tools" && !backend.tools) {
      if (!spec.actions?.length)
        throw new InputError(`--action-format tools: ${spec.name} declares no actions as tools (use react)`);
      this.actions = spec.actions;
    }
  }

  /** Tools mode: the tools the agent gets. */
  get tools(): ToolSpec[] | undefined {
    return this.protocolTools ? [...this.protocolTools] : this.actions?.map((a) => a.tool);
  }

  /** Creates the env and resets it; a backend that fails, or a sample the harness ends at once, is done. */
  static async start<Task>(options: EpisodeOptions<Task>): Promise<Episode<Task>> {
    const episode = new Episode(options);
    try {
      episode.env = await options.backend.create(options.task);
    } catch (cause) {
      episode.backendFailed(cause);
      return episode;
    }
    let opening: Awaited<ReturnType<Environment["reset"]>>;
    try {
      opening = await episode.env.reset();
    } catch (cause) {
      await episode.close();
      episode.backendFailed(cause);
      return episode;
    }
    // tools mode: the env's prompt describes its text format; the model is told calls replace it
    episode.messages = episode.actions ? withToolsNote(opening.messages) : opening.messages;
    if (opening.finished) {
      // the harness ended the sample before the agent's first turn (an init script that failed)
      await episode.close();
      episode.end(opening.finished.reward, opening.finished.failure, opening.finished.info);
      return episode;
    }
    episode.prefixLength = episode.messages.length;
    episode.independentTurns = episode.env.independentTurns === true;
    // with independent turns, the opening's turns before its question (few-shot examples) go before
    // every round's question
    if (episode.independentTurns) episode.roundContext = episode.prefixLength - 1;
    return episode;
  }

  get done(): boolean {
    return this.finished;
  }

  /** The whole conversation so far (what the trajectory records). */
  get conversation(): readonly Message[] {
    return this.messages;
  }

  /**
   * The messages the agent gets this turn, by the env's rule or the run's history policy; undefined
   * (and the episode done) at the round limit or when they cannot fit.
   */
  prompt(): Message[] | undefined {
    const env = this.env;
    if (this.finished || !env) return undefined;
    if (this.turns >= this.maxTurns) {
      this.failure = "round_limit";
      this.finished = true;
      return undefined;
    }
    const { history } = this.options;
    const prompt = env.trimHistory
      ? env.trimHistory(this.messages)
      : this.independentTurns
        ? truncateHistory(
            [...this.messages.slice(0, this.roundContext), ...this.messages.slice(-1)],
            this.roundContext + 1,
            history,
          )
        : truncateHistory(this.messages, this.prefixLength, history);
    if (!prompt) {
      this.failure = "context_limit";
      this.finished = true;
    }
    return prompt;
  }

  /** The agent's reply: recorded, then acted on by the env. */
  async respond(
    reply: string,
    { truncated = false, usage, extra, toolCalls }: ReplyMeta = {},
  ): Promise<void> {
    const env = this.env;
    if (this.finished || !env) throw new Error(`${this.id}: the episode is over`);
    this.usage = addUsage(this.usage, usage);
    // the reply's calls are kept with it where the model got tools (the env's actions or a protocol's)
    const calls = this.protocolTools || this.actions ? (toolCalls ?? []) : [];
    this.messages.push({ ...storedReply(reply, truncated), ...(calls.length ? { toolCalls: calls } : {}) });
    this.turns++;
    if (this.protocolTools) return this.stepCalls(env, reply, calls);
    // tools mode: the first call becomes the env's action; a reply without one goes to the env as text
    let action = reply;
    const first = calls[0];
    if (first) {
      const call = this.readCall(first);
      if (typeof call !== "string") {
        this.answerCalls(calls, call.error);
        this.end(0, call.failure, { toolError: call.error });
        return;
      }
      action = call;
    }
    let result: Awaited<ReturnType<Environment["step"]>>;
    try {
      result = await env.step(action, extra);
    } catch (cause) {
      this.backendFailed(cause);
      return;
    }
    this.lastObservation = result.observation;
    if (result.rewrite) rewriteHistory(this.messages, result.rewrite);
    // the call's result (none when the episode ends there, as a ReAct episode ends on the reply)
    if (first && !result.done) this.answerCalls(calls, result.observation);
    if (result.done) {
      this.end(result.reward, result.failure, result.info);
      return;
    }
    if (!first) this.messages.push({ role: "user", content: result.observation });
  }

  /** A function-calling protocol: the env reads the calls and says which turns its harness injects. */
  private async stepCalls(env: Environment, reply: string, calls: readonly ToolCall[]): Promise<void> {
    if (!env.stepCalls) {
      this.backendFailed(
        new EnvError(`${this.options.spec.name}: this env has no function-calling protocol`),
      );
      return;
    }
    let result: Awaited<ReturnType<NonNullable<Environment["stepCalls"]>>>;
    try {
      result = await env.stepCalls({ content: reply, toolCalls: calls });
    } catch (cause) {
      this.backendFailed(cause);
      return;
    }
    this.messages.push(...result.messages);
    this.lastObservation = result.messages.map((m) => m.content).join("\n\n");
    if (result.done) this.end(result.reward, result.failure, result.info);
  }

  /** The tool turns of a reply's calls: the first call's result, then "not executed" for the others. */
  private answerCalls(calls: readonly ToolCall[], firstResult: string): void {
    for (const [i, call] of calls.entries())
      this.messages.push({
        role: "tool",
        toolCallId: call.id,
        content: i === 0 ? firstResult : notExecutedText,
      });
  }

  /** A call as the env's ReAct text, or why it cannot be run: an unknown tool, arguments that are no JSON object. */
  private readCall(call: ToolCall): string | { error: string; failure: FailureLabel } {
    const action = this.actions?.find((a) => a.tool.name === call.name);
    if (!action)
      return {
        error: `Unknown tool "${call.name}": the tools are ${this.actions?.map((a) => a.tool.name).join(", ")}.`,
        failure: "invalid_action",
      };
    let args: unknown;
    try {
      args = call.arguments.trim() === "" ? {} : JSON.parse(call.arguments);
    } catch (error) {
      return {
        error: `The arguments of ${call.name} are not valid JSON: ${(error as Error).message}`,
        failure: "invalid_format",
      };
    }
    if (!args || typeof args !== "object" || Array.isArray(args))
      return { error: `The arguments of ${call.name} must be a JSON object.`, failure: "invalid_format" };
    const required = (action.tool.parameters.required as string[] | undefined) ?? [];
    const missing = required.filter((key) => !(key in (args as object)));
    if (missing.length)
      return {
        error: `${call.name} needs ${missing.map((m) => `"${m}"`).join(", ")}.`,
        failure: "invalid_format",
      };
    return action.toReact(args as Record<string, unknown>);
  }

  /** The model failed to answer: a context overflow is a result, anything else an infrastructure failure. */
  modelFailed(cause: unknown): void {
    const modelError = ModelError.isInstance(cause) ? cause : undefined;
    this.failure = modelError?.contextLimit ? "context_limit" : "model_error";
    this.error = errorText(cause);
    if (!modelError?.contextLimit && !modelError?.countsAsResult)
      this.infrastructure = new InfrastructureFailure(`${this.id}: model: ${this.error}`, {
        source: "model",
        episodeId: this.id,
        status: modelError?.status,
        cause,
      });
    this.finished = true;
  }

  /** The agent stopped (cancelled, or its context is full): the episode ends with this label. */
  stop(failure: FailureLabel, error?: string): void {
    this.failure = failure;
    if (error) this.error = error;
    this.finished = true;
  }

  async close(): Promise<void> {
    await this.env?.close().catch(() => {});
  }

  trajectory(): Trajectory {
    const reward = this.reward;
    const failure = this.failure;
    return {
      id: this.id,
      env: this.options.spec.name,
      taskId: this.taskId,
      model: this.options.modelId,
      messages: this.messages,
      reward,
      success: reward >= 1 && !failure,
      turns: this.turns,
      ...(this.independentTurns ? { independentTurns: true } : {}),
      ...(this.roundContext ? { roundContext: this.roundContext } : {}),
      ...(this.textPrompt ? { textPrompt: this.textPrompt } : {}),
      ...(this.tools ? { actionFormat: "tools" as const, tools: this.tools } : {}),
      ...(failure ? { failure } : {}),
      ...(this.error ? { error: this.error } : {}),
      ...(this.info ? { info: this.info } : {}),
      ...(this.usage ? { usage: this.usage } : {}),
      startedAt: this.startedAt.toISOString(),
      durationMs: Date.now() - this.startedAt.getTime(),
    };
  }

  private end(
    reward: number,
    failure: FailureLabel | undefined,
    info: Record<string, unknown> | undefined,
  ): void {
    this.reward = reward;
    this.info = info && capStrings(info);
    this.failure = failure ?? (reward < 1 ? "wrong_answer" : undefined);
    this.finished = true;
  }

  private backendFailed(cause: unknown): void {
    this.failure = "env_error";
    this.error = errorText(cause);
    this.infrastructure = new InfrastructureFailure(`${this.id}: env backend: ${this.error}`, {
      source: "env",
      episodeId: this.id,
      cause,
    });
    this.finished = true;
  }
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
function rewriteHistory(messages: Message[], rewrite: { reply?: string; observation?: string }): void {
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
