// ShareGPT conversations: {id?, conversations: [{from: "system"|"human"|"gpt", value}]} (JSON or JSONL).
import { z } from "zod";
import type { Message } from "../../core/index.js";
import { readRecords, writeJsonlFile } from "../../core/index.js";

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
});
export type ShareGptRecord = z.infer<typeof shareGptRecordSchema>;

const roleOf = {
  system: "system",
  human: "user",
  user: "user",
  gpt: "assistant",
  assistant: "assistant",
  function_call: "assistant",
  observation: "tool",
} as const;

/** LLaMA-Factory's function-call turn: {"name", "arguments"} as JSON. */
export function shareGptToMessages(record: ShareGptRecord): Message[] {
  return record.conversations.map((turn, i): Message => {
    if (turn.from !== "function_call") return { role: roleOf[turn.from], content: turn.value };
    const call = JSON.parse(turn.value) as { name?: string; arguments?: unknown };
    const args = typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments ?? {});
    return {
      role: "assistant",
      content: "",
      toolCalls: [{ id: `call_${i}`, name: String(call.name ?? ""), arguments: args }],
    };
  });
}

export function messagesToShareGpt(messages: readonly Message[], id?: string): ShareGptRecord {
  const from = { system: "system", user: "human", assistant: "gpt", tool: "observation" } as const;
  return {
    ...(id ? { id } : {}),
    conversations: messages.map((m) => {
      const call = m.toolCalls?.[0];
      if (m.role === "assistant" && call) {
        let args: unknown = call.arguments;
        try {
          args = JSON.parse(call.arguments);
        } catch {}
        return {
          from: "function_call" as const,
          value: JSON.stringify({ name: call.name, arguments: args }),
        };
      }
      return { from: from[m.role], value: m.content };
    }),
  };
}

export async function readShareGpt(file: string): Promise<ShareGptRecord[]> {
  return (await readRecords(file, shareGptRecordSchema)).map((r) => r.value);
}

export function writeShareGpt(file: string, records: readonly ShareGptRecord[]): void {
  writeJsonlFile(file, records);
}
