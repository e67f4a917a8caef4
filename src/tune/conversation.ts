// A training conversation: agent trajectories and general chats in one shape, with per-turn loss flags.
import { z } from "zod";
import {
  InputError,
  messageSchema,
  readRecords,
  type ToolSpec,
  toolSpecSchema,
  writeJsonlFile,
} from "../core/index.js";
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
  /** The tools a function-calling conversation could call (tools-mode trajectories, glaive-like chats). */
  tools: z.array(toolSpecSchema).optional(),
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
    const records = await readRecords(file, shareGptRecordSchema);
    return {
      format: "sharegpt",
      conversations: records.map(({ value: r, line }, i) => {
        const where = `${file}:${line}`;
        try {
          const tools = r.tools ? parseToolList(r.tools, where) : [];
          return {
            id: r.id ?? `general_${i}`,
            source: "general",
            messages: shareGptToMessages(r),
            ...(tools.length ? { tools } : {}),
          };
        } catch (error) {
          if (error instanceof InputError && !error.message.startsWith(where))
            throw new InputError(`${where}: ${error.message}`);
          throw error;
        }
      }),
    };
  }
  if ("messages" in first) {
    const records = await readRecords(file, openAiChatRecordSchema);
    return {
      format: "messages",
      conversations: records.map(({ value }, i) => ({
        id: `general_${i}`,
        source: "general",
        ...(value.tools?.length ? { tools: value.tools.map((t) => toolSpecSchema.parse(t.function)) } : {}),
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

/** LLaMA-Factory's `tools` column: a JSON list of {name, description, parameters}. */
function parseToolList(json: string, where: string): ToolSpec[] {
  let list: unknown;
  try {
    list = JSON.parse(json);
  } catch {
    throw new InputError(`${where}: tools: not JSON`);
  }
  const parsed = z.array(toolSpecSchema).safeParse(list);
  if (!parsed.success)
    throw new InputError(`${where}: tools: expected a list of {name, description, parameters}`);
  return parsed.data;
}

/** How agent data in tools mode enters training: as tool calls (native), or as the env's ReAct text. */
export type AgentActionFormat = "native" | "react";

/**
 * Agent data: AgentInstruct or trajectories (see data/readDataset), with their loss flags. A tools-mode
 * trajectory keeps its tool calls and tools (native), or comes in as ReAct text, each call written as
 * the env's action, as AgentInstruct has it (react).
 */
export async function readAgentConversations(
  path: string,
  { actionFormat = "native" }: { actionFormat?: AgentActionFormat } = {},
): Promise<Conversation[]> {
  return (await readDataset(path)).map((original) => {
    let t = original;
    if (actionFormat === "react") {
      const converted = convertActionFormat(original, "react");
      if ("problem" in converted) throw new InputError(`${path}: ${converted.problem}`);
      t = converted.trajectory;
    }
    const tools = t.messages.some((m) => m.toolCalls?.length) ? t.tools : undefined;
    return {
      id: t.id,
      source: "agent",
      env: t.env,
      messages: t.messages,
      ...(tools?.length ? { tools } : {}),
    };
  });
}

export async function readConversations(file: string): Promise<Conversation[]> {
  return (await readRecords(file, conversationSchema)).map((r) => r.value);
}

export function writeConversations(file: string, conversations: readonly Conversation[]): void {
  writeJsonlFile(file, conversations);
}
