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
 * whole rounds (an assistant turn and what answered it) as fit. Undefined when even the prefix plus the last turn do not fit.
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
  // Drop the oldest rounds whole: the kept turns start at an assistant turn, so replies stay with what
  // answered them (tool results with their call) and the last turn stays the user's
  const starts = rest.flatMap((m, i) => (i > 0 && m.role === "assistant" ? [i] : []));
  for (const start of starts) {
    const kept = [...prefix, ...rest.slice(start)];
    if (cost(kept) <= maxPromptTokens) return kept;
  }
  return undefined;
}
