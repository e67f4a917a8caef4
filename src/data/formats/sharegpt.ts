// ShareGPT conversations: {id?, conversations: [{from: "system"|"human"|"gpt", value}]} (JSON or JSONL).
import { z } from "zod";
import type { Message } from "../../core/index.js";
import { readRecords, writeJsonlFile } from "../../core/index.js";

export const shareGptRecordSchema = z.object({
  id: z.string().optional(),
  conversations: z
    .array(z.object({ from: z.enum(["system", "human", "gpt", "user", "assistant"]), value: z.string() }))
    .min(1),
});
export type ShareGptRecord = z.infer<typeof shareGptRecordSchema>;

const roleOf = {
  system: "system",
  human: "user",
  user: "user",
  gpt: "assistant",
  assistant: "assistant",
} as const;

export function shareGptToMessages(record: ShareGptRecord): Message[] {
  return record.conversations.map((turn) => ({ role: roleOf[turn.from], content: turn.value }));
}

export function messagesToShareGpt(messages: readonly Message[], id?: string): ShareGptRecord {
  const from = { system: "system", user: "human", assistant: "gpt" } as const;
  return {
    ...(id ? { id } : {}),
    conversations: messages.map((m) => ({ from: from[m.role], value: m.content })),
  };
}

export async function readShareGpt(file: string): Promise<ShareGptRecord[]> {
  return (await readRecords(file, shareGptRecordSchema)).map((r) => r.value);
}

export function writeShareGpt(file: string, records: readonly ShareGptRecord[]): void {
  writeJsonlFile(file, records);
}
