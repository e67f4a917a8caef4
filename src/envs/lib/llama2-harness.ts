// What AgentTuning's held-out harnesses share: FastChat's llama-2 conversation with one system
// message, and cl100k_base (tiktoken) for their token counts and cuts.
import { getEncoding, type Tiktoken } from "js-tiktoken";
import type { Message } from "../../core/index.js";
import type { Environment } from "../types.js";

/** The system message every held-out harness sets on FastChat's llama-2 template. */
export const llama2SystemPrompt = "You are a helpful, respectful and honest assistant.";

let encoding: Tiktoken | undefined;
/** cl100k_base, loaded once (BOLAA, WebArena and SciWorld count and cut with it). */
export function cl100k(): Tiktoken {
  encoding ??= getEncoding("cl100k_base");
  return encoding;
}

/**
 * An episode that cannot start (a page that never loaded, a missing cookies file): it ends before the
 * agent's first turn as env_error, with `info` saying why.
 */
export function failedAtStart(reason: string, info: Record<string, unknown>): Environment {
  return {
    reset: async () => ({
      messages: [{ role: "user", content: reason }],
      finished: { observation: "", reward: 0, done: true, failure: "env_error", info },
    }),
    step: async () => ({ observation: "", reward: 0, done: true, failure: "env_error" }),
    close: async () => {},
  };
}

/** FastChat's llama-2 prompt (SeparatorStyle.LLAMA2) for a conversation ending on a user turn. */
export function llama2Prompt(messages: readonly Message[]): string {
  const system = messages[0]?.role === "system" ? messages[0].content : undefined;
  const turns = system === undefined ? messages : messages.slice(1);
  let out = system ? `[INST] <<SYS>>\n${system}\n<</SYS>>\n\n` : "[INST] ";
  turns.forEach((message, i) => {
    if (i === 0) out += `${message.content} `;
    else if (i % 2 === 1) out += `[/INST] ${message.content} </s><s>`;
    else out += `[INST] ${message.content} `;
  });
  return out;
}

/** get_prompt() after appending the assistant's empty turn: the text the model continues. */
export const llama2GenerationPrompt = (messages: readonly Message[]) => `${llama2Prompt(messages)}[/INST]`;
