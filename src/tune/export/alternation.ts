// Makes conversations strictly alternate user/assistant (after an optional system message), as
// LLaMA-Factory's sharegpt loader demands; it would skip other examples silently, so we merge or reject
// here and count both.
import type { Message } from "../../core/index.js";
import type { Conversation } from "../conversation.js";

export interface AlternationReport {
  /** Conversations in which adjacent turns of one role were merged into one turn. */
  merged: number;
  /** Conversations whose trailing user turn (nothing to learn from) was removed. */
  trimmed: number;
  rejected: { id: string; reason: string }[];
}

export function enforceAlternation(conversations: readonly Conversation[]): {
  conversations: Conversation[];
  report: AlternationReport;
} {
  const report: AlternationReport = { merged: 0, trimmed: 0, rejected: [] };
  const out: Conversation[] = [];
  for (const conversation of conversations) {
    const [first, ...rest] = conversation.messages;
    const system = first?.role === "system" ? [first] : [];
    const turns: Message[] = [];
    let merged = false;
    for (const message of first?.role === "system" ? rest : conversation.messages) {
      const last = turns.at(-1);
      if (message.role === "system") {
        report.rejected.push({ id: conversation.id, reason: "a system message after the first turn" });
        turns.length = 0;
        break;
      }
      if (message.role === "tool") {
        // results of one turn's calls stay separate: each answers its own call id
        if (last?.role !== "tool" && !(last?.role === "assistant" && last.toolCalls?.length)) {
          report.rejected.push({ id: conversation.id, reason: "a tool result that answers no call" });
          turns.length = 0;
          break;
        }
        turns.push({ ...message });
      } else if (last && last.role === message.role) {
        // merged turns are trained if either part was
        const toolCalls = [...(last.toolCalls ?? []), ...(message.toolCalls ?? [])];
        turns[turns.length - 1] = {
          ...last,
          content: `${last.content}\n\n${message.content}`,
          loss: last.loss !== false || message.loss !== false,
          ...(toolCalls.length ? { toolCalls } : {}),
        };
        merged = true;
      } else turns.push({ ...message });
    }
    if (turns.length === 0) {
      if (!report.rejected.some((r) => r.id === conversation.id))
        report.rejected.push({ id: conversation.id, reason: "no turns" });
      continue;
    }
    if (turns[0]?.role !== "user") {
      report.rejected.push({ id: conversation.id, reason: "starts with an assistant turn" });
      continue;
    }
    // a trailing user turn or tool result has nothing after it to learn
    if (turns.at(-1)?.role === "user" || turns.at(-1)?.role === "tool") {
      while (turns.at(-1)?.role === "user" || turns.at(-1)?.role === "tool") turns.pop();
      report.trimmed++;
    }
    if (turns.length === 0) {
      report.rejected.push({ id: conversation.id, reason: "no assistant turn" });
      continue;
    }
    if (merged) report.merged++;
    out.push({ ...conversation, messages: [...system, ...turns] });
  }
  return { conversations: out, report };
}
