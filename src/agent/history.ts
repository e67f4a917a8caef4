// History truncation: keep the protocol prefix (instructions, one-shot, task) and the newest turns.
import type { Message } from "../core/index.js";

export interface HistoryPolicy {
  /** Prompt budget in estimated tokens; older middle turns are dropped to fit (AgentTuning: 4,096). */
  maxPromptTokens?: number;
  /** Token estimate of one message; the default counts about four characters a token. */
  estimateTokens?: (message: Message) => number;
}

export const estimateTokensByChars = (message: Message) => Math.ceil(message.content.length / 4) + 4;

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
  // Drop the oldest rounds two messages at a time so that turns stay paired and the last is a user turn.
  for (let start = rest.length % 2 === 0 ? 2 : 1; start < rest.length; start += 2) {
    const kept = [...prefix, ...rest.slice(start)];
    if (cost(kept) <= maxPromptTokens) return kept;
  }
  return undefined;
}
