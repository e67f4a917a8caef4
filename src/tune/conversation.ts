// A training conversation: agent trajectories and general chats in one shape, with per-turn loss flags.
import { z } from "zod";
import { InputError, messageSchema, readRecords, writeJsonlFile } from "../core/index.js";
// {messages} records: OpenAI chat fine-tuning JSONL; Hugging Face conversational JSONL has the same shape
import {
  convertActionFormat,
  openAiChatRecordSchema,
  openAiChatToMessages,
  readDataset,
  shareGptRecordSchema,
  shareGptToMessages,
} from "../data/index.js";

export const conversationSchema = z.object({
  id: z.string(),
  /** Agent trajectories (AgentInstruct) or general-domain chat (ShareGPT and the like). */
  source: z.enum(["agent", "general"]),
  env: z.string().optional(),
  messages: z.array(messageSchema).min(1),
});
export type Conversation = z.infer<typeof conversationSchema>;

export type GeneralFormat = "sharegpt" | "messages";

/** Reads general-domain chats: ShareGPT (JSON or JSONL) or {messages} JSONL (OpenAI chat, HF conversational). */
export async function readGeneralConversations(
  file: string,
): Promise<{ format: GeneralFormat; conversations: Conversation[] }> {
  const probe = (await readRecords(file, z.record(z.string(), z.unknown()))).map((r) => r.value);
  const first = probe[0];
  if (!first) throw new InputError(`${file}: no records`);
  if ("conversations" in first) {
    const records = (await readRecords(file, shareGptRecordSchema)).map((r) => r.value);
    return {
      format: "sharegpt",
      conversations: records.map((r, i) => ({
        id: r.id ?? `general_${i}`,
        source: "general",
        messages: shareGptToMessages(r),
      })),
    };
  }
  if ("messages" in first) {
    const records = await readRecords(file, openAiChatRecordSchema);
    return {
      format: "messages",
      conversations: records.map(({ value }, i) => ({
        id: `general_${i}`,
        source: "general",
        messages: openAiChatToMessages(value).map((m, j) =>
          // a weight given marks the turn; none leaves the policy to decide
          m.role === "assistant" && value.messages[j]?.weight === undefined
            ? (({ loss: _, ...rest }) => rest)(m)
            : m,
        ),
      })),
    };
  }
  throw new InputError(
    `${file}:1: expected a ShareGPT record ("conversations") or a chat record ("messages")`,
  );
}

/**
 * Agent data: AgentInstruct or trajectories (see data/readDataset), with their loss flags. A tools-mode
 * trajectory comes in as ReAct text (each call written as the env's action), as AgentInstruct has it.
 */
export async function readAgentConversations(path: string): Promise<Conversation[]> {
  return (await readDataset(path)).map((original) => {
    const converted = convertActionFormat(original, "react");
    if ("problem" in converted) throw new InputError(`${path}: ${converted.problem}`);
    const t = converted.trajectory;
    return { id: t.id, source: "agent", env: t.env, messages: t.messages };
  });
}

export async function readConversations(file: string): Promise<Conversation[]> {
  return (await readRecords(file, conversationSchema)).map((r) => r.value);
}

export function writeConversations(file: string, conversations: readonly Conversation[]): void {
  writeJsonlFile(file, conversations);
}
