// OpenAI chat fine-tuning JSONL: {messages: [{role, content, weight?: 0|1}]}; weight masks assistant turns.
import { z } from "zod";
import type { Message, ToolSpec } from "../../core/index.js";
import { openAiTool, openAiToolCall, readRecords, writeJsonlFile } from "../../core/index.js";

const openAiToolCallSchema = z.object({
  id: z.string(),
  type: z.literal("function"),
  function: z.object({ name: z.string(), arguments: z.string() }),
});

export const openAiChatRecordSchema = z.object({
  messages: z
    .array(
      z.object({
        role: z.enum(["system", "user", "assistant", "tool"]),
        content: z.string().nullable(),
        weight: z.union([z.literal(0), z.literal(1)]).optional(),
        tool_calls: z.array(openAiToolCallSchema).optional(),
        tool_call_id: z.string().optional(),
      }),
    )
    .min(1),
  /** The tools of a function-calling example. */
  tools: z
    .array(z.object({ type: z.literal("function"), function: z.record(z.string(), z.unknown()) }))
    .optional(),
});
export type OpenAiChatRecord = z.infer<typeof openAiChatRecordSchema>;

/** A chat record; with `tools` (a tools-mode trajectory), an OpenAI function-calling example. */
export function messagesToOpenAiChat(
  messages: readonly Message[],
  tools?: readonly ToolSpec[],
): OpenAiChatRecord {
  return {
    ...(tools?.length
      ? {
          tools: tools.map(openAiTool),
        }
      : {}),
    messages: messages.map((m) => {
      if (m.role === "assistant")
        return {
          role: m.role,
          // a turn that only calls has no content (null, as the API writes it)
          content: m.toolCalls?.length && !m.content ? null : m.content,
          weight: m.loss === false ? 0 : 1,
          ...(m.toolCalls?.length
            ? {
                tool_calls: m.toolCalls.map(openAiToolCall),
              }
            : {}),
        };
      if (m.role === "tool") return { role: m.role, content: m.content, tool_call_id: m.toolCallId ?? "" };
      return { role: m.role, content: m.content };
    }),
  };
}

export function openAiChatToMessages(record: OpenAiChatRecord): Message[] {
  return record.messages.map((m): Message => {
    const content = m.content ?? "";
    if (m.role === "assistant")
      return {
        role: m.role,
        content,
        loss: m.weight !== 0,
        ...(m.tool_calls?.length
          ? {
              toolCalls: m.tool_calls.map((c) => ({
                id: c.id,
                name: c.function.name,
                arguments: c.function.arguments,
              })),
            }
          : {}),
      };
    if (m.role === "tool")
      return { role: m.role, content, ...(m.tool_call_id ? { toolCallId: m.tool_call_id } : {}) };
    return { role: m.role, content };
  });
}

export async function readOpenAiChat(file: string): Promise<OpenAiChatRecord[]> {
  return (await readRecords(file, openAiChatRecordSchema)).map((r) => r.value);
}

export function writeOpenAiChat(file: string, records: readonly OpenAiChatRecord[]): void {
  writeJsonlFile(file, records);
}
