// summary.json: what a run measured, written atomically so a reader never sees half a file.
import { renameSync, writeFileSync } from "node:fs";
import type { FailureLabel, Trajectory, Usage } from "../core/index.js";
import { addUsage } from "../core/index.js";
import type { EnvSpec } from "../envs/index.js";

/** Version of the results.jsonl / summary.json layout; readers refuse others with a clear message. */
/** 2: messages may hold tool calls and tool turns (tools mode). Version 1 files read unchanged. */
export const resultsFormatVersion = 2;
/** Versions this agenttune reads: 1 is 2 without tool calls. */
export const readableResultsFormatVersions: readonly number[] = [1, 2];

export interface RunSummary {
  formatVersion: number;
  env: string;
  model: string;
  backend: string;
  /** The AgentBench version the env reproduced (held-in envs); absent in runs of older agenttune. */
  protocol?: string;
  /** "agentbench:<dir>" (AgentBench's own prompts) or "agenttune" (agenttune's wording: not comparable with paper numbers). */
  prompts?: string;
  /** Episodes recorded (finished) in results.jsonl. */
  tasks: number;
  /** False when some selected episodes have no result yet (interrupted, or infrastructure failed). */
  complete: boolean;
  /** Why the run is not complete and how many episodes are left; re-running the same command resumes. */
  incomplete?: Incomplete;
  successRate: number;
  averageReward: number;
  metrics: Record<string, number>;
  failures: Partial<Record<FailureLabel, number>>;
  usage?: Usage;
  durationMs: number;
}

export interface Incomplete {
  reason: string;
  /** Selected episodes without a result. */
  pending: number;
  /** True when the run stopped itself on a systematic failure (auth, N failures in a row). */
  stopped: boolean;
}

export function summarize<Task>(input: {
  spec: EnvSpec<Task>;
  backend: string;
  model: string;
  protocol?: string;
  prompts?: string;
  results: readonly Trajectory[];
  tasks: ReadonlyMap<string, Task>;
  durationMs: number;
  complete: boolean;
  incomplete?: Incomplete;
}): RunSummary {
  const { spec, results } = input;
  const failures: Partial<Record<FailureLabel, number>> = {};
  let usage: Usage | undefined;
  for (const r of results) {
    if (r.failure) failures[r.failure] = (failures[r.failure] ?? 0) + 1;
    usage = addUsage(usage, r.usage);
  }
  const n = results.length;
  return {
    formatVersion: resultsFormatVersion,
    env: spec.name,
    model: input.model,
    backend: input.backend,
    ...(input.protocol ? { protocol: input.protocol } : {}),
    ...(input.prompts ? { prompts: input.prompts } : {}),
    tasks: n,
    complete: input.complete,
    ...(input.incomplete ? { incomplete: input.incomplete } : {}),
    successRate: n ? results.filter((r) => r.success).length / n : 0,
    averageReward: n ? results.reduce((s, r) => s + r.reward, 0) / n : 0,
    metrics: spec.metrics(results, input.tasks),
    failures,
    ...(usage ? { usage } : {}),
    durationMs: input.durationMs,
  };
}

export function writeSummary(file: string, summary: RunSummary): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(summary, null, 2)}\n`);
  renameSync(tmp, file);
}
