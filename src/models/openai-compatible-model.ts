// ChatModel over any OpenAI-compatible /v1/chat/completions server (OpenAI, vLLM, Ollama, llama.cpp).
import { createRequire } from "node:module";
import type OpenAI from "openai";
import type { Message, Usage } from "../core/index.js";
import { boundedFetch, ModelError, openAiTool, openAiToolCall } from "../core/index.js";
import type { ChatModel, CompleteOptions, Completion } from "./types.js";

export interface OpenAICompatibleOptions {
  /** Server base URL including /v1, e.g. http://127.0.0.1:8000/v1. */
  baseURL: string;
  /** Model name sent in each request. */
  model: string;
  /** API key; servers without auth accept any. */
  apiKey?: string;
  /** Per-request timeout in ms. */
  timeoutMs?: number;
  /** Retries on 408/409/429/5xx and network errors, with exponential backoff (the openai client's). */
  maxRetries?: number;
  /** The largest response body read (AGENTTUNE_MAX_RESPONSE_BYTES, else 32 MiB); a larger one fails the request. */
  maxResponseBytes?: number;
  /** The server has /v1/completions for raw text prompts (vLLM, TGI, llama.cpp, Ollama do; OpenAI's chat models do not). */
  textCompletions?: boolean;
}

export class OpenAICompatibleModel implements ChatModel {
  readonly id: string;
  readonly completeText?: (prompt: string, options?: CompleteOptions) => Promise<Completion>;
  /** Tokens used by every request so far, as the server reported them. */
  readonly usage: Usage = { promptTokens: 0, completionTokens: 0 };
  private readonly client: OpenAI;
  private readonly model: string;

  constructor({
    baseURL,
    model,
    apiKey = "none",
    timeoutMs = 120_000,
    maxRetries = 4,
    textCompletions = false,
    maxResponseBytes,
  }: OpenAICompatibleOptions) {
    const Client = openaiClient();
    // the client's timeout ends the wait for headers; the body gets the same time and a size limit
    this.client = new Client({
      baseURL,
      apiKey,
      timeout: timeoutMs,
      maxRetries,
      fetch: boundedFetch({
        deadlineMs: timeoutMs,
        ...(maxResponseBytes ? { limitBytes: maxResponseBytes } : {}),
      }),
    });
    this.model = model;
    this.id = `${baseURL}#${model}`;
    if (textCompletions) this.completeText = (prompt, options) => this.completeRaw(prompt, options);
  }

  async complete(messages: Message[], options: CompleteOptions = {}): Promise<Completion> {
    const response = await this.request(options, (signal) =>
      this.client.chat.completions.create(
        {
          model: this.model,
          messages: messages.map(toOpenAiMessage),
          ...(options.tools?.length
            ? {
                tools: options.tools.map(openAiTool),
              }
            : {}),
          stop: options.stop,
          max_tokens: options.maxTokens,
          temperature: options.temperature,
          ...(options.topLogprobs ? { logprobs: true, top_logprobs: options.topLogprobs } : {}),
          // vLLM's extension: each logprobs token comes back as f"token_id:{token_id}" (its OpenAI server's
          // _get_decoded_token with return_as_token_id)
          ...(options.tokens ? ({ logprobs: true, return_tokens_as_token_ids: true } as object) : {}),
        },
        { signal },
      ),
    );
    const message = response.choices?.[0]?.message;
    const calls = (message?.tool_calls ?? []).flatMap((c) =>
      c.type === "function" ? [{ id: c.id, name: c.function.name, arguments: c.function.arguments }] : [],
    );
    // a reply that only calls tools has no content
    const text = message?.content ?? (calls.length ? "" : undefined);
    if (typeof text !== "string") {
      throw new ModelError(`${this.id}: response has no choices[0].message.content`);
    }
    const top = response.choices[0]?.logprobs?.content?.[0]?.top_logprobs;
    return {
      ...this.completion(text, response.usage, response.choices[0]?.finish_reason),
      ...(options.topLogprobs && top
        ? { firstTokenLogprobs: Object.fromEntries(top.map((t) => [t.token, t.logprob])) }
        : {}),
      ...(calls.length ? { toolCalls: calls } : {}),
      ...(options.tokens ? sampledTokens(response.choices[0]?.logprobs?.content) : {}),
    };
  }

  private async completeRaw(prompt: string, options: CompleteOptions = {}): Promise<Completion> {
    const response = await this.request(options, (signal) =>
      this.client.completions.create(
        {
          model: this.model,
          prompt,
          stop: options.stop,
          max_tokens: options.maxTokens,
          temperature: options.temperature,
          ...(options.topLogprobs ? { logprobs: options.topLogprobs } : {}),
        },
        { signal },
      ),
    );
    const text = response.choices?.[0]?.text;
    if (typeof text !== "string") throw new ModelError(`${this.id}: response has no choices[0].text`);
    const top = response.choices[0]?.logprobs?.top_logprobs?.[0];
    return {
      ...this.completion(text, response.usage, response.choices[0]?.finish_reason),
      ...(options.topLogprobs && top ? { firstTokenLogprobs: { ...top } } : {}),
    };
  }

  /** One request with the run's signal and our errors. */
  private async request<T>(options: CompleteOptions, send: (signal: AbortSignal) => Promise<T>): Promise<T> {
    // the client never removes the listener it adds to the signal it is given: hand it one signal
    // per request, linked to the run's, so a run of many episodes does not pile listeners up
    const request = new AbortController();
    const abort = () => request.abort(options.signal?.reason);
    if (options.signal?.aborted) abort();
    else options.signal?.addEventListener("abort", abort, { once: true });
    try {
      return await send(request.signal);
    } catch (error) {
      throw toModelError(error, this.id);
    } finally {
      options.signal?.removeEventListener("abort", abort);
    }
  }

  private completion(
    text: string,
    reported: OpenAI.Completions.CompletionUsage | undefined,
    finishReason: string | null | undefined,
  ): Completion {
    const usage = reported
      ? { promptTokens: reported.prompt_tokens ?? 0, completionTokens: reported.completion_tokens ?? 0 }
      : undefined;
    if (usage) {
      this.usage.promptTokens += usage.promptTokens;
      this.usage.completionTokens += usage.completionTokens;
    }
    const truncated = finishReason === "length";
    return { text, usage, ...(truncated ? { truncated } : {}) };
  }
}

/** A message in the chat API's shape: tool calls on assistant turns, the call id on tool turns. */
function toOpenAiMessage(m: Message): OpenAI.Chat.Completions.ChatCompletionMessageParam {
  if (m.role === "tool") return { role: "tool", content: m.content, tool_call_id: m.toolCallId ?? "" };
  if (m.role === "assistant" && m.toolCalls?.length)
    return {
      role: "assistant",
      content: m.content || null,
      tool_calls: m.toolCalls.map(openAiToolCall),
    };
  return { role: m.role, content: m.content };
}

/** The openai package, loaded with the first model that needs it (its CommonJS build: a synchronous require). */
function openaiClient(): typeof OpenAI {
  return (createRequire(import.meta.url)("openai") as { default: typeof OpenAI }).default;
}

function toModelError(error: unknown, id: string): ModelError {
  const OpenAI = openaiClient();
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    return new ModelError(`${id}: request timed out`, { cause: error });
  }
  if (error instanceof OpenAI.APIConnectionError) {
    return new ModelError(`${id}: cannot reach server (${causeText(error)})`, { cause: error });
  }
  if (error instanceof OpenAI.APIError) {
    const text = error.message;
    const contextLimit = /context.length|maximum context|too many tokens|context window/i.test(text);
    return new ModelError(`${id}: HTTP ${error.status ?? "?"}: ${text}`, {
      cause: error,
      status: error.status,
      contextLimit,
    });
  }
  return new ModelError(`${id}: ${(error as Error).message ?? String(error)}`, { cause: error });
}

/** The innermost cause's code (ECONNREFUSED, …) or message: the part a user can act on. */
function causeText(error: Error): string {
  let inner: { code?: string; message?: string; cause?: unknown } = error;
  while (inner.cause && typeof inner.cause === "object") inner = inner.cause as typeof inner;
  return inner.code ?? inner.message ?? error.message;
}

/** The reply's token ids and log-probabilities, when every token came back as "token_id:<id>". */
function sampledTokens(content: readonly { token: string; logprob: number }[] | null | undefined): {
  tokens?: { ids: number[]; logprobs: number[] };
} {
  if (!content?.length) return {};
  const ids: number[] = [];
  for (const { token } of content) {
    const match = /^token_id:(\d+)$/.exec(token);
    if (!match) return {};
    ids.push(Number(match[1]));
  }
  return { tokens: { ids, logprobs: content.map((t) => t.logprob) } };
}
