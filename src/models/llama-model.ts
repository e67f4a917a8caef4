// ChatModel over a local GGUF file, run in-process on CPU by node-llama-cpp (no server, no network).
import { existsSync } from "node:fs";
import type {
  ChatHistoryItem,
  ChatModelFunctionCall,
  ChatModelFunctions,
  GbnfJsonSchema,
  Llama,
  LlamaContext,
  LlamaContextSequence,
  LlamaModel as NativeModel,
} from "node-llama-cpp";
import type { Message, ToolCall, ToolSpec } from "../core/index.js";
import { InputError, ModelError, toolCallArguments } from "../core/index.js";
import type { ChatModel, CompleteOptions, Completion } from "./types.js";

export interface LlamaModelOptions {
  /** Path to a .gguf file. */
  modelPath: string;
  /** Context window in tokens (AgentTuning evaluated with 4,096-token inputs). */
  contextSize?: number;
  /** CPU threads (default: node-llama-cpp's choice); 1 is fastest for tiny models, whose steps are too small to share. */
  threads?: number;
}

export class LlamaModel implements ChatModel {
  readonly id: string;
  private loaded?: Promise<{ llama: Llama; model: NativeModel; context: LlamaContext }>;
  // One context sequence: requests run one at a time.
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: LlamaModelOptions) {
    this.id = `gguf:${options.modelPath}`;
    if (!existsSync(options.modelPath))
      throw new InputError(`${options.modelPath}: GGUF model file not found`);
  }

  private load() {
    this.loaded ??= (async () => {
      const { getLlama, readGgufFileInfo } = await import("node-llama-cpp");
      await checkVocabulary(this.options.modelPath, readGgufFileInfo);
      const llama = await getLlama({
        gpu: false,
        build: "never",
        progressLogs: false,
        logLevel: "error" as never,
      });
      const model = await llama.loadModel({ modelPath: this.options.modelPath });
      const context = await model.createContext({
        contextSize: Math.min(this.options.contextSize ?? 4096, model.trainContextSize),
        sequences: 1,
        ...(this.options.threads ? { threads: this.options.threads } : {}),
      });
      return { llama, model, context };
    })().catch((error) => {
      throw new ModelError(`${this.id}: cannot load model: ${(error as Error).message}`, { cause: error });
    });
    return this.loaded;
  }

  complete(messages: Message[], options: CompleteOptions = {}): Promise<Completion> {
    return this.enqueue(() => this.generate(messages, options));
  }

  /** Raw text continuation (node-llama-cpp's LlamaCompletion): no chat template, as a base model. */
  completeText(prompt: string, options: CompleteOptions = {}): Promise<Completion> {
    return this.enqueue(() => this.generateText(prompt, options));
  }

  /** One request at a time on the one context sequence; a failed request does not stop the queue. */
  private enqueue(work: () => Promise<Completion>): Promise<Completion> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => {});
    return run;
  }

  private async generateText(prompt: string, options: CompleteOptions): Promise<Completion> {
    if (options.topLogprobs) return this.firstToken(prompt, options.topLogprobs);
    const { context, model } = await this.load();
    const { LlamaCompletion } = await import("node-llama-cpp");
    const sequence = context.getSequence();
    const completion = new LlamaCompletion({ contextSequence: sequence });
    try {
      return await this.measured(
        sequence,
        () => model.tokenize(prompt).length,
        options,
        (settings) => completion.generateCompletion(prompt, settings),
      );
    } finally {
      completion.dispose({ disposeSequence: true });
    }
  }

  /**
   * The next-token distribution after a raw prompt (llama.cpp's logits, softmaxed): the greedy token as
   * the text, and the `top` most likely tokens with their log-probabilities.
   */
  private async firstToken(prompt: string, top: number): Promise<Completion> {
    const { context, model } = await this.load();
    const sequence = context.getSequence();
    try {
      const tokens = model.tokenize(prompt);
      const evaluation = sequence.evaluateWithMetadata(tokens, { probabilities: true }, { temperature: 0 });
      const first = (await evaluation.next()).value;
      await evaluation.return();
      if (!first) throw new Error("no token evaluated");
      const firstTokenLogprobs: Record<string, number> = {};
      for (const [token, probability] of [...first.probabilities].slice(0, top)) {
        const text = model.detokenize([token], true);
        firstTokenLogprobs[text] = Math.max(
          firstTokenLogprobs[text] ?? Number.NEGATIVE_INFINITY,
          Math.log(probability),
        );
      }
      return {
        text: model.detokenize([first.token], true),
        usage: { promptTokens: tokens.length, completionTokens: 1 },
        firstTokenLogprobs,
      };
    } catch (error) {
      const message = (error as Error).message;
      throw new ModelError(`${this.id}: ${message}`, {
        cause: error,
        contextLimit: /context/i.test(message),
      });
    } finally {
      sequence.dispose();
    }
  }

  /**
   * Function calling through node-llama-cpp's own support (LlamaChat with `functions`, rendered by the
   * model's chat wrapper): the calls the model makes come back as tool calls, not run, and earlier
   * calls go into the history with their tool results.
   */
  private async generateWithTools(
    messages: Message[],
    tools: readonly ToolSpec[],
    options: CompleteOptions,
  ): Promise<Completion> {
    const { context, model } = await this.load();
    const { LlamaChat } = await import("node-llama-cpp");
    const sequence = context.getSequence();
    const chat = new LlamaChat({ contextSequence: sequence, autoDisposeSequence: false });
    const functions: ChatModelFunctions = Object.fromEntries(
      tools.map((t) => [t.name, { description: t.description, params: t.parameters as GbnfJsonSchema }]),
    );
    let calls: ToolCall[] = [];
    try {
      const completion = await this.measured(
        sequence,
        () => model.tokenize(messages.map((m) => m.content).join("\n")).length,
        options,
        async (settings) => {
          const response = await chat.generateResponse(toChatHistory(messages), { ...settings, functions });
          calls = (response.functionCalls ?? []).map((call, i) => ({
            id: `call_${messages.length}_${i}`,
            name: call.functionName,
            arguments: JSON.stringify(call.params ?? {}),
          }));
          return response.response;
        },
      );
      return { ...completion, ...(calls.length ? { toolCalls: calls } : {}) };
    } finally {
      chat.dispose({ disposeSequence: true });
    }
  }

  private async generate(messages: Message[], options: CompleteOptions): Promise<Completion> {
    if (options.tools?.length) return this.generateWithTools(messages, options.tools, options);
    const { context, model } = await this.load();
    const last = messages.at(-1);
    if (last?.role !== "user") throw new ModelError(`${this.id}: the last message must be a user turn`);
    const { LlamaChatSession } = await import("node-llama-cpp");
    const sequence = context.getSequence();
    const session = new LlamaChatSession({ contextSequence: sequence, autoDisposeSequence: false });
    try {
      session.setChatHistory(toHistory(messages.slice(0, -1)));
      return await this.measured(
        sequence,
        () => model.tokenize(messages.map((m) => m.content).join("\n")).length,
        options,
        (settings) => session.prompt(last.content, settings),
      );
    } finally {
      session.dispose({ disposeSequence: true });
    }
  }

  /**
   * Runs one generation with the request's settings: counts prompt and output tokens, marks a reply
   * stopped by the token limit, and turns a failure into a ModelError (a context overflow flagged).
   */
  private async measured(
    sequence: LlamaContextSequence,
    promptTokens: () => number,
    options: CompleteOptions,
    generate: (settings: {
      maxTokens?: number;
      temperature: number;
      signal?: AbortSignal;
      customStopTriggers?: string[];
    }) => Promise<string>,
  ): Promise<Completion> {
    try {
      const prompt = promptTokens();
      const outputBefore = sequence.tokenMeter.usedOutputTokens;
      const text = await generate({
        maxTokens: options.maxTokens,
        temperature: options.temperature ?? 0,
        signal: options.signal,
        customStopTriggers: options.stop,
      });
      const completionTokens = sequence.tokenMeter.usedOutputTokens - outputBefore;
      const truncated = options.maxTokens !== undefined && completionTokens >= options.maxTokens;
      return {
        text,
        usage: { promptTokens: prompt, completionTokens },
        ...(truncated ? { truncated } : {}),
      };
    } catch (error) {
      const message = (error as Error).message;
      throw new ModelError(`${this.id}: ${message}`, {
        cause: error,
        contextLimit: /context/i.test(message),
      });
    }
  }

  async close(): Promise<void> {
    if (!this.loaded) return;
    const { context, model, llama } = await this.loaded.catch(
      () => ({}) as Partial<Awaited<typeof this.loaded>>,
    );
    await context?.dispose();
    await model?.dispose();
    await llama?.dispose();
  }
}

/**
 * llama.cpp aborts the whole process (std::out_of_range) on an SPM vocabulary without byte tokens;
 * refuse such a file with an error instead of letting it take the run down.
 */
async function checkVocabulary(path: string, readInfo: typeof import("node-llama-cpp").readGgufFileInfo) {
  const info = await readInfo(path, { readTensorInfo: false, logWarnings: false });
  const tokenizer = (
    info.metadata as { tokenizer?: { ggml?: { model?: string; tokens?: readonly string[] } } }
  ).tokenizer?.ggml;
  if (tokenizer?.model === "llama" && tokenizer.tokens && !tokenizer.tokens.includes("<0x0A>")) {
    throw new Error("tokenizer.ggml.tokens: an SPM (llama) vocabulary needs the byte tokens <0x00>…<0xFF>");
  }
}

function toHistory(messages: Message[]): ChatHistoryItem[] {
  return messages.map((m): ChatHistoryItem => {
    if (m.role === "system") return { type: "system", text: m.content };
    if (m.role === "user") return { type: "user", text: m.content };
    return { type: "model", response: [m.content] };
  });
}

/**
 * A tools-mode conversation as node-llama-cpp's chat history: each assistant turn a model response
 * whose calls carry the results of the tool turns that answer them, ending on a model response for
 * the reply to continue (as LlamaChatSession builds it).
 */
export function toChatHistory(messages: readonly Message[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = [];
  const pending = new Map<string, ChatModelFunctionCall>();
  for (const m of messages) {
    if (m.role === "tool") {
      const call = m.toolCallId ? pending.get(m.toolCallId) : undefined;
      if (call) call.result = m.content;
      // a result without its call (cut history) reads as what the user saw
      else history.push({ type: "user", text: m.content });
      continue;
    }
    if (m.role === "system") history.push({ type: "system", text: m.content });
    else if (m.role === "user") history.push({ type: "user", text: m.content });
    else {
      const response: (string | ChatModelFunctionCall)[] = m.content ? [m.content] : [];
      for (const [i, c] of (m.toolCalls ?? []).entries()) {
        const call: ChatModelFunctionCall = {
          type: "functionCall",
          name: c.name,
          params: toolCallArguments(c),
          result: "",
          ...(i === 0 ? { startsNewChunk: true } : {}),
        };
        pending.set(c.id, call);
        response.push(call);
      }
      history.push({ type: "model", response });
    }
  }
  // after tool results the model continues its own response; after a user turn it starts a new one
  if (history.at(-1)?.type !== "model" || messages.at(-1)?.role !== "tool")
    history.push({ type: "model", response: [] });
  return history;
}
