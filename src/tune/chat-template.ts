// Chat templates: the model's own Jinja template from tokenizer_config.json (@huggingface/jinja), or a
// built-in Llama-2-chat (AgentLM's format and fixed system prompt), ChatML or Llama-3 template.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Template } from "@huggingface/jinja";
import type { Message, ToolSpec } from "../core/index.js";
import { InputError, openAiTool, toolCallArguments } from "../core/index.js";

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

/**
 * An assistant turn's trained part, wrapped in TRL's generation markers when `marked` (its
 * assistant_only_loss reads them); which turns are trained is each message's `loss`.
 */
const trained = (body: string, marked: boolean) =>
  marked
    ? `{%- if message.get('loss', true) -%}{% generation %}${body}{% endgeneration %}{%- else -%}${body}{%- endif -%}`
    : body;

/** A call's arguments as written: a JSON string as it is, an object as JSON. */
const callArguments =
  "(call.function.arguments if call.function.arguments is string else call.function.arguments | tojson)";

// Llama-2-chat has no tool-call format: conversations with calls are refused before rendering
const llama2 = (marked: boolean) => `{%- if messages[0]['role'] == 'system' -%}
{%- set system = messages[0]['content'] -%}{%- set loop_messages = messages[1:] -%}
{%- else -%}{%- set system = default_system -%}{%- set loop_messages = messages -%}{%- endif -%}
{%- for message in loop_messages -%}
{%- if message['role'] == 'user' -%}
{%- if loop.first and system -%}{{ bos_token + '[INST] <<SYS>>\\n' + system + '\\n<</SYS>>\\n\\n' + message['content'] | trim + ' [/INST]' }}
{%- else -%}{{ bos_token + '[INST] ' + message['content'] | trim + ' [/INST]' }}{%- endif -%}
{%- elif message['role'] == 'assistant' -%}${trained("{{ ' ' + message['content'] | trim + ' ' + eos_token }}", marked)}
{%- endif -%}
{%- endfor -%}`;

// ChatML with Hermes-style tools (as Qwen2.5 renders them): the tool list in the system turn, each call
// as <tool_call>{"name", "arguments"}</tool_call> after the turn's text, results in `tool` turns
const chatml = (marked: boolean) => `{%- if tools -%}
{{ '<|im_start|>system\\n' }}{%- if messages[0]['role'] == 'system' -%}{{ messages[0]['content'] + '\\n\\n' }}{%- endif -%}
{{ '# Tools\\n\\nYou may call one or more functions to assist with the user query.\\n\\nYou are provided with function signatures within <tools></tools> XML tags:\\n<tools>' }}
{%- for tool in tools -%}{{ '\\n' + (tool | tojson) }}{%- endfor -%}
{{ '\\n</tools>\\n\\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\\n<tool_call>\\n{"name": <function-name>, "arguments": <args-json-object>}\\n</tool_call><|im_end|>\\n' }}
{%- set loop_messages = messages[1:] if messages[0]['role'] == 'system' else messages -%}
{%- else -%}{%- set loop_messages = messages -%}{%- endif -%}
{%- for message in loop_messages -%}
{%- if message['role'] == 'assistant' -%}{{ '<|im_start|>assistant\\n' }}${trained(
  `{{ message['content'] }}{%- for call in message.tool_calls or [] -%}{{ ('\\n' if message['content'] or not loop.first else '') + '<tool_call>\\n{"name": "' + call.function.name + '", "arguments": ' + ${callArguments} + '}\\n</tool_call>' }}{%- endfor -%}{{ '<|im_end|>\\n' }}`,
  marked,
)}
{%- else -%}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}
{%- endif -%}
{%- endfor -%}
{%- if add_generation_prompt -%}{{ '<|im_start|>assistant\\n' }}{%- endif -%}`;

// Llama-3 with Llama-3.1's JSON tool calls: the tool list in the system turn, each call as
// {"name", "parameters"}, results in `ipython` turns
const llama3 = (marked: boolean) => `{{ bos_token }}
{%- if tools -%}
{{ '<|start_header_id|>system<|end_header_id|>\\n\\n' }}{%- if messages[0]['role'] == 'system' -%}{{ messages[0]['content'] | trim + '\\n\\n' }}{%- endif -%}
{{ 'You have access to the following functions. To call a function, respond with JSON in the format {"name": function name, "parameters": dictionary of argument name and its value}.\\n' }}
{%- for tool in tools -%}{{ '\\n' + (tool | tojson) }}{%- endfor -%}{{ '<|eot_id|>' }}
{%- set loop_messages = messages[1:] if messages[0]['role'] == 'system' else messages -%}
{%- else -%}{%- set loop_messages = messages -%}{%- endif -%}
{%- for message in loop_messages -%}
{%- if message['role'] == 'assistant' -%}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}${trained(
  `{{ message['content'] | trim }}{%- for call in message.tool_calls or [] -%}{{ ('\\n' if message['content'] | trim or not loop.first else '') + '{"name": "' + call.function.name + '", "parameters": ' + ${callArguments} + '}' }}{%- endfor -%}{{ '<|eot_id|>' }}`,
  marked,
)}
{%- else -%}{{ '<|start_header_id|>' + ('ipython' if message['role'] == 'tool' else message['role']) + '<|end_header_id|>\\n\\n' + message['content'] | trim + '<|eot_id|>' }}
{%- endif -%}
{%- endfor -%}
{%- if add_generation_prompt -%}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{%- endif -%}`;

/** Each built-in's source, with generation markers or without. */
export const builtinSources: Record<string, (marked: boolean) => string> = {
  "llama-2": llama2,
  chatml,
  "llama-3": llama3,
};

export const builtinTemplates: Record<string, ChatTemplate> = {
  "llama-2": {
    name: "llama-2",
    source: llama2(false),
    bosToken: "<s>",
    eosToken: "</s>",
    defaultSystem: agentLmSystemPrompt,
    llamaFactoryTemplate: "llama2",
  },
  chatml: {
    name: "chatml",
    source: chatml(false),
    bosToken: "",
    eosToken: "<|im_end|>",
    // LLaMA-Factory's "chatml" renders as this template does; its "qwen" adds Qwen's system prompt
    llamaFactoryTemplate: "chatml",
  },
  "llama-3": {
    name: "llama-3",
    source: llama3(false),
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

/**
 * A message as Hugging Face chat templates read it: tool calls with their arguments as an object (the
 * documented form; kept as the model's string when it is not JSON) and tool results with their call id.
 */
export function hfMessage(m: Message) {
  return {
    role: m.role,
    content: m.content,
    ...(m.toolCalls?.length
      ? {
          tool_calls: m.toolCalls.map((c) => ({
            id: c.id,
            type: "function" as const,
            function: { name: c.name, arguments: toolCallArguments(c) },
          })),
        }
      : {}),
    ...(m.toolCallId ? { tool_call_id: m.toolCallId } : {}),
  };
}

/** Whether the template renders tool calls at all (Llama-2-chat, for one, has no format for them). */
export const rendersToolCalls = (template: ChatTemplate) => template.source.includes("tool_calls");

export function renderChat(
  template: ChatTemplate,
  messages: readonly Message[],
  addGenerationPrompt = false,
  tools: readonly ToolSpec[] = [],
): string {
  if (!rendersToolCalls(template) && messages.some((m) => m.toolCalls?.length))
    throw new InputError(
      `template ${template.name} has no format for tool calls: use --template chatml, llama-3 or a model's own that renders tools, or --action-format react`,
    );
  let jinja = compiled.get(template.source);
  if (!jinja) {
    jinja = new Template(template.source);
    compiled.set(template.source, jinja);
  }
  const withSystem: readonly Message[] =
    template.defaultSystem !== undefined && template.name !== "llama-2" && messages[0]?.role !== "system"
      ? [{ role: "system", content: template.defaultSystem }, ...messages]
      : messages;
  return jinja.render({
    messages: withSystem.map(hfMessage),
    ...(tools.length ? { tools: tools.map(openAiTool) } : {}),
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
  tools: readonly ToolSpec[] = [],
): { text: string; spans: RenderedSpan[] } {
  const text = renderChat(template, messages, false, tools);
  const spans: RenderedSpan[] = [];
  for (const [i, message] of messages.entries()) {
    if (message.role !== "assistant") continue;
    const before = renderChat(template, messages.slice(0, i), true, tools);
    const through = renderChat(template, messages.slice(0, i + 1), false, tools);
    if (!through.startsWith(before) || !text.startsWith(through)) {
      throw new InputError(
        `template ${template.name}: rendering is not prefix-stable at message ${i}, so assistant spans cannot be found; use the pre-rendered export or another template`,
      );
    }
    spans.push({ start: before.length, end: through.length, message: i });
  }
  return { text, spans };
}
