// Loads run dirs into what reports and comparisons show: task scores with intervals, category overalls,
// failure counts and small histograms (aggregates only, whatever the number of episodes).
import { readFileSync } from "node:fs";
import { z } from "zod";
import { formatZodIssue, InputError } from "../core/index.js";
import { type FailureKind, failureKinds } from "./failure-analysis.js";
import { type CategoryScore, normalizersFromPool } from "./normalized-score.js";
import { findRunDirs, loadRun } from "./run-store.js";
import { categoryScores, scoreRun, type TaskScore } from "./suite.js";

export interface RunResult extends TaskScore {
  model: string;
  backend: string;
  /** The AgentBench version the env reproduced ("unrecorded" for runs of older agenttune). */
  protocol: string;
  /** "agentbench" when the env used AgentBench's own prompts, "agenttune" for its own wording. */
  prompts: "agentbench" | "agenttune";
  successRate: number;
  averageTurns: number;
  failures: Partial<Record<FailureKind, number>>;
  /** Episodes by number of agent turns. */
  turnCounts: Record<number, number>;
  /** Ten reward bins over [0, 1]; 1 falls in the last. */
  rewardBins: number[];
  metrics: Record<string, number>;
}

export interface ModelResults {
  model: string;
  runs: RunResult[];
  categories: CategoryScore[];
}

/** Every run under `paths` with its task score, interval and aggregates. */
export async function loadRunResults(paths: readonly string[]): Promise<RunResult[]> {
  const results: RunResult[] = [];
  for (const dir of findRunDirs(paths)) {
    const run = await loadRun(dir);
    const failures: RunResult["failures"] = {};
    const turnCounts: Record<number, number> = {};
    const rewardBins = Array.from({ length: 10 }, () => 0);
    for (const e of run.episodes) {
      if (e.failure) failures[e.failure] = (failures[e.failure] ?? 0) + 1;
      turnCounts[e.turns] = (turnCounts[e.turns] ?? 0) + 1;
      const bin = Math.min(9, Math.max(0, Math.floor(e.reward * 10)));
      rewardBins[bin] = (rewardBins[bin] ?? 0) + 1;
    }
    const n = Math.max(1, run.episodes.length);
    const result: RunResult = {
      ...scoreRun(run),
      model: run.summary.model,
      backend: run.summary.backend,
      protocol: run.summary.protocol ?? "unrecorded",
      prompts: run.summary.prompts?.startsWith("agentbench:") ? "agentbench" : "agenttune",
      successRate: run.episodes.filter((e) => e.success).length / n,
      averageTurns: run.episodes.reduce((s, e) => s + e.turns, 0) / n,
      failures,
      turnCounts,
      rewardBins,
      metrics: run.summary.metrics,
    };
    results.push(result);
  }
  return results;
}

/** Runs grouped by model, with each model's normalized category scores. */
export async function loadResults(
  paths: readonly string[],
  { normalizers }: { normalizers?: Readonly<Record<string, number>> } = {},
): Promise<ModelResults[]> {
  const byModel = new Map<string, RunResult[]>();
  for (const result of await loadRunResults(paths))
    byModel.set(result.model, [...(byModel.get(result.model) ?? []), result]);
  return [...byModel].map(([model, runs]) => ({
    model,
    runs,
    categories: categoryScores(runs, normalizers),
  }));
}

export { failureKinds };

/** Normalizers W_t from a pool of result dirs: each task's mean score over the pool's models. */
export async function normalizersFromRuns(paths: readonly string[]): Promise<Record<string, number>> {
  const byModel = new Map<string, Record<string, number>>();
  for (const r of await loadRunResults(paths))
    byModel.set(r.model, { ...byModel.get(r.model), [r.task]: r.score });
  return normalizersFromPool([...byModel.values()]);
}

/** Reads a normalizers JSON file ({"DB": 12, …}). */
export function readNormalizers(file: string): Record<string, number> {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new InputError(`--normalizers ${file}: ${(error as Error).message}`);
  }
  const parsed = z.record(z.string(), z.number().positive()).safeParse(value);
  if (!parsed.success)
    throw new InputError(`--normalizers ${file}: ${formatZodIssue(parsed.error.issues[0] as never)}`);
  return parsed.data;
}

/** A sentence when the runs reproduce different AgentBench versions (their scores do not compare). */
export function protocolMismatch(models: readonly ModelResults[]): string | undefined {
  const byProtocol = new Map<string, Set<string>>();
  for (const m of models)
    for (const r of m.runs)
      byProtocol.set(r.protocol, (byProtocol.get(r.protocol) ?? new Set()).add(`${m.model} ${r.task}`));
  if (byProtocol.size < 2) return undefined;
  const parts = [...byProtocol].map(
    ([protocol, runs]) => `${protocol} (${[...runs].slice(0, 3).join(", ")}${runs.size > 3 ? ", …" : ""})`,
  );
  return `warning: these runs reproduce different protocols, so their scores do not compare: ${parts.join("; ")}`;
}
