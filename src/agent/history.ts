// History truncation: keep the protocol prefix (instructions, one-shot, task) and the newest turns.
import type { Message } from "../core/index.js";

export interface HistoryPolicy {
  /** Prompt budget in estimated tokens; older middle turns are dropped to fit (AgentTuning: 4,096). */
  maxPromptTokens?: number;
  /** Token estimate of one message; the default counts about four characters a token. */
  estimateTokens?: (message: Message) => number;
}

export const estimateTokensByChars = (message: Message) =>
  Math.ceil(
    (message.content.length +
      (message.toolCalls ?? []).reduce((n, c) => n + c.name.length + c.arguments.length, 0)) /
      4,
  ) + 4;

/**
 * Returns the messages to send: `prefixLength` first messages always, then as many of the newest
 * whole (assistant, user) rounds as fit. Undefined when even the prefix plus the last turn do not fit.
 */
export function truncateHistory(
  messages: readonly Message[],
  prefixLength: number,
  { maxPromptTokens, estimateTokens = estimateTokensByChars }: HistoryPolicy = {},
): Message[] | undefined {
  if (maxPromptTokens === undefined) return [...messages];
  const cost = (list: readonly Message[]) => list.reduce((n, m) => n + estimateTokens(m), 0);
  if (cost(messages) <= maxPromptTokens) return [...messages];
  const prefix = messages.slice(0, prefixLength);
  const rest = messages.slice(prefixLength);
  // Drop the oldest rounds so that turns stay paired and the last is a user turn: two messages at a
  // time, or with tool turns (a call's results belong to it) up to the start of an assistant turn.
  const starts: number[] = [];
  if (rest.some((m) => m.role === "tool")) {
    for (const [i, m] of rest.entries()) if (i > 0 && m.role === "assistant") starts.push(i);
  } else {
    for (let i = rest.length % 2 === 0 ? 2 : 1; i < rest.length; i += 2) starts.push(i);
  }
  for (const start of starts) {
    const kept = [...prefix, ...rest.slice(start)];
    if (cost(kept) <= maxPromptTokens) return kept;
  }
  return undefined;
}
