// ShareGPT conversations: {id?, conversations: [{from, value}], tools?} (JSON or JSONL), with
// LLaMA-Factory's function-calling turns: `function_call` holds the calls as JSON, `observation` the
// results, and `tools` the tool list as a JSON string (data/glaive_toolcall_en_demo.json is its example).
import { z } from "zod";
import type { Message, ToolCall, ToolSpec } from "../../core/index.js";
import { InputError, readRecords, toolCallArguments, writeJsonlFile } from "../../core/index.js";

export const shareGptRecordSchema = z.object({
  id: z.string().optional(),
  conversations: z
    .array(
      z.object({
        from: z.enum(["system", "human", "gpt", "user", "assistant", "function_call", "observation"]),
        value: z.string(),
      }),
    )
    .min(1),
  system: z.string().optional(),
  /** The tools as a JSON string, as LLaMA-Factory's `tools` column holds them. */
  tools: z.string().optional(),
});
export type ShareGptRecord = z.infer<typeof shareGptRecordSchema>;
export type ShareGptTurn = ShareGptRecord["conversations"][number];

const roleOf = {
  system: "system",
  human: "user",
  user: "user",
  gpt: "assistant",
  assistant: "assistant",
  function_call: "assistant",
  observation: "tool",
} as const;

/**
 * LLaMA-Factory's default `tool_call_words` (template.py:599, register_template): text around them in a
 * function turn is kept as the thought before the call (formatter.py:113-138).
 */
export const toolCallWords = ["<tool_call>", "</tool_call>"] as const;

/**
 * Results of parallel calls in one observation turn, joined as LLaMA-Factory's OpenAI-format converter
 * joins consecutive tool messages (converter.py:269).
 */
export const observationSeparator = "\n</tool_response>\n<tool_response>\n";

/** A `function_call` value as FunctionFormatter reads it: one {"name", "arguments"} object or a list. */
export function functionCallValue(content: string, calls: readonly ToolCall[]): string {
  const json = calls.map((c) => ({ name: c.name, arguments: toolCallArguments(c) }));
  const value = JSON.stringify(json.length === 1 ? json[0] : json);
  // a newline after the thought: LLaMA-Factory prints the thought right before the formatted call
  return content.trim()
    ? `${content.replace(/\n?$/, "\n")}${toolCallWords[0]}${value}${toolCallWords[1]}`
    : value;
}

/** Reads a `function_call` value back: the thought around the tool-call words, and the calls. */
export function parseFunctionCallValue(
  value: string,
  where: string,
): { content: string; calls: { name: string; arguments: string }[] } {
  const [open, close] = toolCallWords;
  const start = value.indexOf(open);
  const end = start >= 0 ? value.indexOf(close, start + open.length) : -1;
  const json = end >= 0 ? value.slice(start + open.length, end) : value;
  const content =
    end >= 0 ? (value.slice(0, start) + value.slice(end + close.length)).replace(/\n$/, "") : "";
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new InputError(`${where}: function_call is not JSON (LLaMA-Factory stops on it)`);
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  const calls = list.map((c, i) => {
    const call = c as { name?: unknown; arguments?: unknown };
    if (typeof call?.name !== "string" || call.arguments === undefined)
      throw new InputError(`${where}: function_call ${i + 1} needs "name" and "arguments"`);
    const args = typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments);
    return { name: call.name, arguments: args };
  });
  return { content, calls };
}

export function shareGptToMessages(record: ShareGptRecord): Message[] {
  const messages: Message[] = [];
  let pending: string[] = [];
  for (const [i, turn] of record.conversations.entries()) {
    if (turn.from === "function_call") {
      const { content, calls } = parseFunctionCallValue(turn.value, `conversations[${i}]`);
      const toolCalls = calls.map((c, j) => ({ id: `call_${i}_${j}`, ...c }));
      pending = toolCalls.map((c) => c.id);
      messages.push({ role: "assistant", content, toolCalls });
    } else if (turn.from === "observation" && pending.length > 0) {
      // one observation answers every call of the turn before it
      const results = pending.length > 1 ? turn.value.split(observationSeparator) : [turn.value];
      const ids = results.length === pending.length ? pending : [pending[0] as string];
      for (const [j, id] of ids.entries())
        messages.push({
          role: "tool",
          content: ids.length > 1 ? (results[j] ?? "") : turn.value,
          toolCallId: id,
        });
      pending = [];
    } else {
      pending = [];
      messages.push({ role: roleOf[turn.from], content: turn.value });
    }
  }
  return messages;
}

/**
 * Turns as LLaMA-Factory's sharegpt loader takes them: calls as `function_call`, the tool results that
 * answer one turn merged into one `observation` (it wants one turn in each odd position).
 */
export function shareGptTurns(messages: readonly Message[]): ShareGptTurn[] {
  const from = { system: "system", user: "human", assistant: "gpt", tool: "observation" } as const;
  const turns: ShareGptTurn[] = [];
  for (const [i, m] of messages.entries()) {
    if (m.role === "tool" && messages[i - 1]?.role === "tool") {
      const last = turns.at(-1) as ShareGptTurn;
      last.value = `${last.value}${observationSeparator}${m.content}`;
    } else if (m.role === "assistant" && m.toolCalls?.length)
      turns.push({ from: "function_call", value: functionCallValue(m.content, m.toolCalls) });
    else turns.push({ from: from[m.role], value: m.content });
  }
  return turns;
}

/** LLaMA-Factory's `tools` column: the tool list as a JSON string (formatter.py ToolFormatter). */
export function shareGptTools(tools: readonly ToolSpec[]): string {
  return JSON.stringify(
    tools.map((t) => ({ name: t.name, description: t.description, parameters: t.parameters })),
  );
}

export function messagesToShareGpt(
  messages: readonly Message[],
  id?: string,
  tools?: readonly ToolSpec[],
): ShareGptRecord {
  return {
    ...(id ? { id } : {}),
    conversations: shareGptTurns(messages),
    ...(tools?.length ? { tools: shareGptTools(tools) } : {}),
  };
}

export async function readShareGpt(file: string): Promise<ShareGptRecord[]> {
  return (await readRecords(file, shareGptRecordSchema)).map((r) => r.value);
}

export function writeShareGpt(file: string, records: readonly ShareGptRecord[]): void {
  writeJsonlFile(file, records);
}
