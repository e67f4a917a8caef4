// A tools-mode conversation read as the env's ReAct text: each call written as its action's text after
// the reply's own text, each tool result as the user turn that text would have got. The oracle reads
// tools-mode conversations this way, and trajectories convert this way.
import type { Message, ToolCall } from "../../core/index.js";
import type { ActionDefinition } from "../types.js";

/** The messages as ReAct text, or why they cannot be (turn numbers count from 1). */
export function messagesAsReact(
  messages: readonly Message[],
  actions: readonly ActionDefinition[],
): { messages: Message[] } | { problem: string } {
  const out: Message[] = [];
  for (const [i, m] of messages.entries()) {
    if (m.role === "tool") {
      // the results of calls that were not run (a reply's second call) have no text counterpart
      if (out.at(-1)?.role === "user") continue;
      out.push({ role: "user", content: m.content });
      continue;
    }
    const calls = m.toolCalls ?? [];
    if (calls.length === 0) {
      out.push(m);
      continue;
    }
    if (calls.length > 1)
      return { problem: `turn ${i + 1} made ${calls.length} calls; ReAct has one action per turn` };
    const call = calls[0] as ToolCall;
    const action = actions.find((a) => a.tool.name === call.name);
    if (!action) return { problem: `turn ${i + 1} calls unknown tool "${call.name}"` };
    let args: Record<string, unknown>;
    try {
      args = JSON.parse(call.arguments) as Record<string, unknown>;
    } catch {
      return { problem: `turn ${i + 1}: the arguments of ${call.name} are not JSON` };
    }
    const { toolCalls: _, ...rest } = m;
    out.push({ ...rest, content: [m.content.trim(), action.toReact(args)].filter(Boolean).join("\n") });
  }
  return { messages: out };
}

/**
 * What a tools-mode episode adds to its first turn: the env's prompt describes its text format, and
 * the model is told that calls replace it. Converting to ReAct removes it; converting to tools adds it.
 */
export const toolsModeNote =
  "\n\n(In this conversation you act by calling the tools you are given instead of writing actions as text: each tool call is one action as described above.)";

/** The messages with the tools-mode note after the first turn's text. */
export function withToolsNote(messages: readonly Message[]): Message[] {
  const [first, ...rest] = messages;
  if (!first || first.content.endsWith(toolsModeNote)) return [...messages];
  return [{ ...first, content: `${first.content}${toolsModeNote}` }, ...rest];
}

/** The messages without the tools-mode note. */
export function withoutToolsNote(messages: readonly Message[]): Message[] {
  const [first, ...rest] = messages;
  if (!first?.content.endsWith(toolsModeNote)) return [...messages];
  return [{ ...first, content: first.content.slice(0, -toolsModeNote.length) }, ...rest];
}
