// Writes trajectories as an AgentInstruct dataset: one split file per env, ids "<env>_<n>" in a stable order.
import { join } from "node:path";
import type { Trajectory } from "../core/index.js";
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

export function exportAgentInstruct(trajectories: readonly Trajectory[], dir: string): AgentInstructExport {
  const byEnv = new Map<string, AgentInstructRecord[]>();
  for (const t of sortTrajectories(trajectories)) {
    const list = byEnv.get(t.env) ?? [];
    list.push(toAgentInstruct(t, `${t.env}_${list.length}`));
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
