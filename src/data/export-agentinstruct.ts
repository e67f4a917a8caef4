// Writes trajectories as an AgentInstruct dataset: one split file per env, ids "<env>_<n>" in a stable order.
// Trajectories whose rounds were independent prompts (Mind2Web) become one record per round.

import { join } from "node:path";
import type { Trajectory } from "../core/index.js";
import { InputError } from "../core/index.js";
import { convertActionFormat } from "./action-format.js";
import {
  type AgentInstructRecord,
  sortTrajectories,
  toAgentInstruct,
  writeAgentInstruct,
} from "./formats/index.js";

export interface AgentInstructExport {
  dir: string;
  splits: Record<string, { file: string; records: number }>;
}

/**
 * The conversations a model was trained to continue: one per round when each round was its own
 * prompt, without the few-shot turns sent before each (AgentInstruct's Mind2Web records are one
 * question and one answer).
 */
function conversationsOf(t: Trajectory): Pick<Trajectory, "messages">[] {
  if (!t.independentTurns) return [t];
  const rounds: Pick<Trajectory, "messages">[] = [];
  for (let i = t.roundContext ?? 0; i + 1 < t.messages.length; i += 2)
    rounds.push({ messages: t.messages.slice(i, i + 2) });
  return rounds;
}

export function exportAgentInstruct(trajectories: readonly Trajectory[], dir: string): AgentInstructExport {
  const byEnv = new Map<string, AgentInstructRecord[]>();
  for (const original of sortTrajectories(trajectories)) {
    // AgentInstruct is ReAct text: calls are written as the env's actions
    const converted = convertActionFormat(original, "react");
    if ("problem" in converted) throw new InputError(`AgentInstruct export: ${converted.problem}`);
    const t = converted.trajectory;
    const list = byEnv.get(t.env) ?? [];
    for (const part of conversationsOf(t)) list.push(toAgentInstruct(part, `${t.env}_${list.length}`));
    byEnv.set(t.env, list);
  }
  const splits: AgentInstructExport["splits"] = {};
  for (const [env, records] of byEnv) {
    const file = join(dir, `${env}.jsonl`);
    writeAgentInstruct(file, records);
    splits[env] = { file, records: records.length };
  }
  return { dir, splits };
}
