// Turns a model spec string from the CLI or a config into a ChatModel.
import { InputError } from "../core/index.js";
import { LlamaModel } from "./llama-model.js";
import { OpenAICompatibleModel } from "./openai-compatible-model.js";
import { ScriptedModel } from "./scripted-model.js";
import type { ChatModel } from "./types.js";

export const modelSpecHelp =
  '"openai:MODEL" (OPENAI_BASE_URL, OPENAI_API_KEY), "http(s)://HOST/v1#MODEL", "gguf:PATH", "scripted:FILE"';

export interface ParseModelOptions {
  /** Per-request timeout for HTTP backends, in ms. */
  timeoutMs?: number;
  /** Retries for HTTP backends. */
  maxRetries?: number;
  env?: NodeJS.ProcessEnv;
}

export async function parseModel(spec: string, options: ParseModelOptions = {}): Promise<ChatModel> {
  const { env = process.env, timeoutMs, maxRetries } = options;
  if (spec.startsWith("openai:")) {
    const model = spec.slice("openai:".length);
    if (!model) throw new InputError(`model spec "${spec}": missing model name after "openai:"`);
    return new OpenAICompatibleModel({
      baseURL: env.OPENAI_BASE_URL ?? "https://api.openai.com/v1",
      apiKey: env.OPENAI_API_KEY,
      model,
      timeoutMs,
      maxRetries,
    });
  }
  if (/^https?:\/\//.test(spec)) {
    const hash = spec.indexOf("#");
    if (hash < 0)
      throw new InputError(`model spec "${spec}": add the model name after "#", e.g. ${spec}#my-model`);
    return new OpenAICompatibleModel({
      baseURL: spec.slice(0, hash),
      model: spec.slice(hash + 1),
      apiKey: env.OPENAI_API_KEY,
      timeoutMs,
      maxRetries,
      // self-hosted servers (vLLM, TGI, llama.cpp, Ollama) serve /v1/completions beside chat
      textCompletions: true,
    });
  }
  if (spec.startsWith("gguf:") || spec.startsWith("llama:")) {
    return new LlamaModel({ modelPath: spec.slice(spec.indexOf(":") + 1) });
  }
  if (spec.startsWith("scripted:")) return ScriptedModel.fromFile(spec.slice("scripted:".length));
  throw new InputError(`unknown model spec "${spec}": expected ${modelSpecHelp} or "oracle"`);
}
