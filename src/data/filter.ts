// `filter`: keeps trajectories good enough to train on; every rejected one is written with its reasons.
import type { Trajectory } from "../core/index.js";
import { InputError, writeJsonlFile } from "../core/index.js";
import { getEnvSpec } from "../envs/index.js";
import { readTrajectories, sortTrajectories, trajectoriesPath } from "./formats/index.js";

/** reward: reward ≥ the env's threshold and no failure label; format: every agent turn is a valid action;
 * truncation: no reply cut at the token limit; turns: within the env's turn limit. */
export const filterRules = ["reward", "format", "truncation", "turns"] as const;
export type FilterRule = (typeof filterRules)[number];

export interface FilterOptions {
  /** A trajectories file or a collect output dir. */
  input: string;
  /** Kept trajectories (JSONL); rejected ones go to `<out minus .jsonl>.rejected.jsonl`. */
  out: string;
  /** One threshold for every env, overriding each env's default (binary tasks: 1). */
  minReward?: number;
  rules?: readonly FilterRule[];
}

export interface FilterReport {
  input: string;
  kept: number;
  rejected: number;
  /** Rejections by rule (a trajectory may break several). */
  byRule: Partial<Record<FilterRule, number>>;
  perEnv: Record<string, { kept: number; rejected: number }>;
  out: string;
  rejectedOut: string;
}

export interface Rejection {
  id: string;
  env: string;
  taskId: string;
  reasons: { rule: FilterRule; detail: string }[];
  trajectory: Trajectory;
}

export function parseRules(text: string): FilterRule[] {
  const rules = text
    .split(",")
    .map((r) => r.trim())
    .filter(Boolean);
  for (const rule of rules) {
    if (!(filterRules as readonly string[]).includes(rule)) {
      throw new InputError(`--rules: unknown rule "${rule}": known rules are ${filterRules.join(", ")}`);
    }
  }
  return rules as FilterRule[];
}

/** The reasons a trajectory is not fit for training, empty when it is. */
export function rejectionReasons(
  trajectory: Trajectory,
  { minReward, rules = filterRules }: Pick<FilterOptions, "minReward" | "rules"> = {},
): Rejection["reasons"] {
  const spec = getEnvSpec(trajectory.env);
  const reasons: Rejection["reasons"] = [];
  const threshold = minReward ?? spec.defaults.minReward;
  const agentTurns = trajectory.messages
    .map((m, index) => ({ m, index }))
    .filter(({ m }) => m.role === "assistant" && m.loss !== false);
  if (rules.includes("reward")) {
    if (trajectory.reward < threshold) {
      reasons.push({ rule: "reward", detail: `reward ${trajectory.reward} < ${threshold}` });
    }
    if (trajectory.failure) reasons.push({ rule: "reward", detail: `failure: ${trajectory.failure}` });
  }
  if (rules.includes("format")) {
    for (const { m, index } of agentTurns) {
      const problem = spec.replyProblem(m.content);
      if (problem) reasons.push({ rule: "format", detail: `message ${index}: ${problem}` });
    }
  }
  if (rules.includes("truncation")) {
    for (const { m, index } of agentTurns) {
      if (m.truncated)
        reasons.push({ rule: "truncation", detail: `message ${index}: cut at the token limit` });
    }
  }
  if (rules.includes("turns") && trajectory.turns > spec.defaults.maxTurns) {
    reasons.push({ rule: "turns", detail: `${trajectory.turns} turns > ${spec.defaults.maxTurns}` });
  }
  return reasons;
}

export async function filterTrajectories(options: FilterOptions): Promise<FilterReport> {
  const trajectories = sortTrajectories(await readTrajectories(options.input));
  const file = trajectoriesPath(options.input);
  for (const [i, t] of trajectories.entries()) {
    try {
      getEnvSpec(t.env);
    } catch (error) {
      throw new InputError(`${file}: trajectory ${t.id} (#${i + 1}): env: ${(error as Error).message}`);
    }
  }
  const kept: Trajectory[] = [];
  const rejected: Rejection[] = [];
  const report: FilterReport = {
    input: file,
    kept: 0,
    rejected: 0,
    byRule: {},
    perEnv: {},
    out: options.out,
    rejectedOut: `${options.out.replace(/\.jsonl$/, "")}.rejected.jsonl`,
  };
  for (const trajectory of trajectories) {
    const reasons = rejectionReasons(trajectory, options);
    const env = report.perEnv[trajectory.env] ?? { kept: 0, rejected: 0 };
    report.perEnv[trajectory.env] = env;
    if (reasons.length === 0) {
      kept.push(trajectory);
      env.kept++;
      continue;
    }
    rejected.push({ id: trajectory.id, env: trajectory.env, taskId: trajectory.taskId, reasons, trajectory });
    env.rejected++;
    for (const rule of new Set(reasons.map((r) => r.rule)))
      report.byRule[rule] = (report.byRule[rule] ?? 0) + 1;
  }
  report.kept = kept.length;
  report.rejected = rejected.length;
  writeJsonlFile(report.rejectedOut, rejected);
  writeJsonlFile(options.out, kept);
  return report;
}

export function formatFilterReport(r: FilterReport): string {
  const rules =
    Object.entries(r.byRule)
      .map(([rule, n]) => `${rule} ${n}`)
      .join(", ") || "none";
  return `kept ${r.kept}, rejected ${r.rejected} (by rule: ${rules}) → ${r.out}, rejected → ${r.rejectedOut}`;
}
