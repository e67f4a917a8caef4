// AgentInstruct (Hugging Face THUDM/AgentInstruct): one split per env, records
// {id: "<env>_<n>", conversations: [{from: "human"|"gpt", value, loss}]}; `loss` is the training mask:
// null on human turns, false on the canned first acknowledgement, true on the agent's real turns.
import { z } from "zod";
import type { Message, Trajectory } from "../../core/index.js";
import { InputError, readRecords, writeJsonlFile } from "../../core/index.js";

export const agentInstructTurnSchema = z.object({
  from: z.enum(["human", "gpt"]),
  value: z.string(),
  loss: z.boolean().nullable().optional(),
});

export const agentInstructRecordSchema = z.object({
  id: z.string(),
  conversations: z.array(agentInstructTurnSchema).min(1),
});
export type AgentInstructRecord = z.infer<typeof agentInstructRecordSchema>;

/** The AgentInstruct splits, in the order the dataset lists them. */
export const agentInstructSplits = ["os", "db", "alfworld", "webshop", "kg", "mind2web"] as const;

export function toAgentInstruct(trajectory: Pick<Trajectory, "messages">, id: string): AgentInstructRecord {
  const conversations: AgentInstructRecord["conversations"] = [];
  // AgentInstruct has no system role: a system prompt opens the next human turn
  let system = "";
  for (const message of trajectory.messages) {
    if (message.role === "system") system = system ? `${system}\n\n${message.content}` : message.content;
    else if (message.role === "user") {
      conversations.push({
        from: "human",
        value: system ? `${system}\n\n${message.content}` : message.content,
        loss: null,
      });
      system = "";
    } else conversations.push({ from: "gpt", value: message.content, loss: message.loss ?? true });
  }
  return { id, conversations };
}

/** Back to our trajectory shape; AgentInstruct keeps only successful episodes, so reward is 1. */
export function fromAgentInstruct(record: AgentInstructRecord, env = envOfId(record.id)): Trajectory {
  const messages: Message[] = record.conversations.map((turn) =>
    turn.from === "human"
      ? { role: "user", content: turn.value }
      : { role: "assistant", content: turn.value, loss: turn.loss !== false },
  );
  return {
    id: record.id,
    env,
    taskId: record.id,
    model: "agentinstruct",
    messages,
    reward: 1,
    success: true,
    turns: messages.filter((m) => m.role === "assistant" && m.loss !== false).length,
    startedAt: new Date(0).toISOString(),
    durationMs: 0,
  };
}

/** "db_12" → "db". */
export function envOfId(id: string): string {
  const cut = id.lastIndexOf("_");
  return cut > 0 ? id.slice(0, cut) : id;
}

export async function readAgentInstruct(file: string): Promise<AgentInstructRecord[]> {
  return (await readRecords(file, agentInstructRecordSchema)).map((r) => r.value);
}

export function writeAgentInstruct(file: string, records: readonly AgentInstructRecord[]): void {
  writeJsonlFile(file, records);
}

/** Checks the mask convention; returns the first problem as `id: turn N: …`. */
export function agentInstructProblem(record: AgentInstructRecord): string | undefined {
  for (const [i, turn] of record.conversations.entries()) {
    if (turn.from === "human" && turn.loss !== null && turn.loss !== undefined) {
      return `${record.id}: conversations.${i}.loss: must be null on human turns`;
    }
  }
  return undefined;
}

export function assertAgentInstruct(records: readonly AgentInstructRecord[], file: string): void {
  for (const record of records) {
    const problem = agentInstructProblem(record);
    if (problem) throw new InputError(`${file}: ${problem}`);
  }
}
