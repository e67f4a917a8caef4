// OpenAI chat fine-tuning JSONL: {messages: [{role, content, weight?: 0|1}]}; weight masks assistant turns.
import { z } from "zod";
import type { Message } from "../../core/index.js";
import { readRecords, writeJsonlFile } from "../../core/index.js";

export const openAiChatRecordSchema = z.object({
  messages: z
    .array(
      z.object({
        role: z.enum(["system", "user", "assistant"]),
        content: z.string(),
        weight: z.union([z.literal(0), z.literal(1)]).optional(),
      }),
    )
    .min(1),
});
export type OpenAiChatRecord = z.infer<typeof openAiChatRecordSchema>;

export function messagesToOpenAiChat(messages: readonly Message[]): OpenAiChatRecord {
  return {
    messages: messages.map((m) =>
      m.role === "assistant"
        ? { role: m.role, content: m.content, weight: m.loss === false ? 0 : 1 }
        : { role: m.role, content: m.content },
    ),
  };
}

export function openAiChatToMessages(record: OpenAiChatRecord): Message[] {
  return record.messages.map((m) =>
    m.role === "assistant"
      ? { role: m.role, content: m.content, loss: m.weight !== 0 }
      : { role: m.role, content: m.content },
  );
}

export async function readOpenAiChat(file: string): Promise<OpenAiChatRecord[]> {
  return (await readRecords(file, openAiChatRecordSchema)).map((r) => r.value);
}

export function writeOpenAiChat(file: string, records: readonly OpenAiChatRecord[]): void {
  writeJsonlFile(file, records);
}
