// The ChatModel interface every backend implements; the core never knows which provider it talks to.
import type { Message, ToolCall, ToolSpec, Usage } from "../core/index.js";

export interface CompleteOptions {
  /** Stop sequences. */
  stop?: string[];
  /** Most new tokens for this reply. */
  maxTokens?: number;
  /** Sampling temperature; 0 = greedy. */
  temperature?: number;
  signal?: AbortSignal;
  /**
   * Also return the log-probabilities of this many most likely first tokens (MMLU's prediction by
   * next-token logits). Backends that cannot leave `firstTokenLogprobs` out.
   */
  topLogprobs?: number;
  /** Function calling: the tools the model may call (OpenAI's `tools`). */
  tools?: readonly ToolSpec[];
  /**
   * Also return the reply's token ids and their log-probabilities (vLLM: `logprobs` with
   * `return_tokens_as_token_ids`). Backends that cannot leave `tokens` out.
   */
  tokens?: boolean;
}

export interface Completion {
  text: string;
  usage?: Usage;
  /** True when the reply stopped at the token limit rather than by itself. */
  truncated?: boolean;
  /** With `topLogprobs`: the most likely first tokens, as their text, with their log-probabilities. */
  firstTokenLogprobs?: Record<string, number>;
  /** With `tools`: the calls the model made (none: it answered in text). */
  toolCalls?: ToolCall[];
  /** With `tokens`: the sampled tokens as the server reports them. */
  tokens?: { ids: number[]; logprobs: number[] };
}

/** What a model may know about the episode it serves (scripted and oracle models need it). */
export interface EpisodeContext {
  taskId: string;
  /** The task record itself, for models that solve from it (the oracle). */
  task?: unknown;
  /** Which of the task's samples this episode is (0 unless a run takes several). */
  sample?: number;
}

export interface ChatModel {
  /** Stable name written into every trajectory, e.g. "openai:gpt-4o". */
  readonly id: string;
  complete(messages: Message[], options?: CompleteOptions): Promise<Completion>;
  /**
   * Continues a raw text prompt, no chat template (a completions endpoint; a base model's way). Models
   * without one get such prompts as a single user turn (the protocols that send raw text say so).
   */
  completeText?(prompt: string, options?: CompleteOptions): Promise<Completion>;
  /** A model instance for one episode; models without per-episode state return themselves. */
  forEpisode?(context: EpisodeContext): ChatModel | Promise<ChatModel>;
  /** Frees resources (loaded weights, sockets). */
  close?(): Promise<void>;
}
