// Chat templates: the model's own Jinja template from tokenizer_config.json (@huggingface/jinja), or a
// built-in Llama-2-chat (AgentLM's format and fixed system prompt), ChatML or Llama-3 template.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Template } from "@huggingface/jinja";
import type { Message } from "../core/index.js";
import { InputError } from "../core/index.js";

/** The system prompt AgentLM was trained with (Llama-2-chat format). */
export const agentLmSystemPrompt = "You are a helpful, respectful and honest assistant.";

export interface ChatTemplate {
  /** "llama-2", "chatml", "llama-3", or "tokenizer_config.json" for a model's own. */
  name: string;
  source: string;
  bosToken: string;
  eosToken: string;
  /** Used when a conversation has no system message (Llama-2: AgentLM's fixed prompt). */
  defaultSystem?: string;
  /** LLaMA-Factory's name for this format, when it has one. */
  llamaFactoryTemplate?: string;
}

const llama2 = `{%- if messages[0]['role'] == 'system' -%}
{%- set system = messages[0]['content'] -%}{%- set loop_messages = messages[1:] -%}
{%- else -%}{%- set system = default_system -%}{%- set loop_messages = messages -%}{%- endif -%}
{%- for message in loop_messages -%}
{%- if message['role'] == 'user' -%}
{%- if loop.first and system -%}{{ bos_token + '[INST] <<SYS>>\\n' + system + '\\n<</SYS>>\\n\\n' + message['content'] | trim + ' [/INST]' }}
{%- else -%}{{ bos_token + '[INST] ' + message['content'] | trim + ' [/INST]' }}{%- endif -%}
{%- elif message['role'] == 'assistant' -%}{{ ' ' + message['content'] | trim + ' ' + eos_token }}
{%- endif -%}
{%- endfor -%}`;

const chatml = `{%- for message in messages -%}
{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}
{%- endfor -%}
{%- if add_generation_prompt -%}{{ '<|im_start|>assistant\\n' }}{%- endif -%}`;

const llama3 = `{{ bos_token }}
{%- for message in messages -%}
{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' + message['content'] | trim + '<|eot_id|>' }}
{%- endfor -%}
{%- if add_generation_prompt -%}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{%- endif -%}`;

export const builtinTemplates: Record<string, ChatTemplate> = {
  "llama-2": {
    name: "llama-2",
    source: llama2,
    bosToken: "<s>",
    eosToken: "</s>",
    defaultSystem: agentLmSystemPrompt,
    llamaFactoryTemplate: "llama2",
  },
  chatml: {
    name: "chatml",
    source: chatml,
    bosToken: "",
    eosToken: "<|im_end|>",
    // LLaMA-Factory's "chatml" renders as this template does; its "qwen" adds Qwen's system prompt
    llamaFactoryTemplate: "chatml",
  },
  "llama-3": {
    name: "llama-3",
    source: llama3,
    bosToken: "<|begin_of_text|>",
    eosToken: "<|eot_id|>",
    llamaFactoryTemplate: "llama3",
  },
};

const tokenText = (token: unknown): string =>
  typeof token === "string"
    ? token
    : typeof token === "object" && token && "content" in token
      ? String(token.content)
      : "";

/** A built-in name, or a model dir / tokenizer_config.json whose `chat_template` is used. */
export function loadChatTemplate(spec: string, { system }: { system?: string } = {}): ChatTemplate {
  const builtin = builtinTemplates[spec];
  if (builtin) return system === undefined ? builtin : { ...builtin, defaultSystem: system };
  const file = spec.endsWith(".json") ? spec : join(spec, "tokenizer_config.json");
  if (!existsSync(file)) {
    throw new InputError(
      `--template "${spec}": not a built-in (${Object.keys(builtinTemplates).join(", ")}) and ${file} not found`,
    );
  }
  const config = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  let source = config.chat_template;
  if (Array.isArray(source))
    source = (source as { name: string; template: string }[]).find((t) => t.name === "default")?.template;
  if (typeof source !== "string")
    throw new InputError(`${file}: chat_template: missing (pass a built-in --template instead)`);
  return {
    name: "tokenizer_config.json",
    source,
    bosToken: tokenText(config.bos_token),
    eosToken: tokenText(config.eos_token),
    ...(system !== undefined ? { defaultSystem: system } : {}),
  };
}

const compiled = new Map<string, Template>();

export function renderChat(
  template: ChatTemplate,
  messages: readonly Message[],
  addGenerationPrompt = false,
): string {
  let jinja = compiled.get(template.source);
  if (!jinja) {
    jinja = new Template(template.source);
    compiled.set(template.source, jinja);
  }
  const withSystem =
    template.defaultSystem !== undefined && template.name !== "llama-2" && messages[0]?.role !== "system"
      ? [{ role: "system", content: template.defaultSystem }, ...messages]
      : messages;
  return jinja.render({
    messages: withSystem.map((m) => ({ role: m.role, content: m.content })),
    bos_token: template.bosToken,
    eos_token: template.eosToken,
    add_generation_prompt: addGenerationPrompt,
    default_system: template.defaultSystem ?? "",
  });
}

export interface RenderedSpan {
  start: number;
  end: number;
  /** Index of the assistant message in the conversation. */
  message: number;
}

/**
 * Renders a conversation and finds each assistant turn's characters by rendering turn by turn:
 * the text the template adds for message i (after the generation prompt) is that turn's span. Works for
 * any template whose renderings of a conversation's prefixes are prefixes of each other.
 */
export function renderWithSpans(
  template: ChatTemplate,
  messages: readonly Message[],
): { text: string; spans: RenderedSpan[] } {
  const text = renderChat(template, messages);
  const spans: RenderedSpan[] = [];
  for (const [i, message] of messages.entries()) {
    if (message.role !== "assistant") continue;
    const before = renderChat(template, messages.slice(0, i), true);
    const through = renderChat(template, messages.slice(0, i + 1));
    if (!through.startsWith(before) || !text.startsWith(through)) {
      throw new InputError(
        `template ${template.name}: rendering is not prefix-stable at message ${i}, so assistant spans cannot be found; use the pre-rendered export or another template`,
      );
    }
    spans.push({ start: before.length, end: through.length, message: i });
  }
  return { text, spans };
}
