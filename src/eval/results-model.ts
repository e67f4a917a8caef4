// Loads run dirs into what reports and comparisons show: task scores with intervals, category overalls,
// failure counts and small histograms (aggregates only, whatever the number of episodes).
import { type FailureKind, failureKinds } from "./failure-analysis.js";
import type { CategoryScore } from "./normalized-score.js";
import { findRunDirs, loadRun } from "./run-store.js";
import { categoryScores, scoreRun, type TaskScore } from "./suite.js";

export interface RunResult extends TaskScore {
  model: string;
  backend: string;
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

export async function loadResults(paths: readonly string[]): Promise<ModelResults[]> {
  const byModel = new Map<string, RunResult[]>();
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
      successRate: run.episodes.filter((e) => e.success).length / n,
      averageTurns: run.episodes.reduce((s, e) => s + e.turns, 0) / n,
      failures,
      turnCounts,
      rewardBins,
      metrics: run.summary.metrics,
    };
    byModel.set(result.model, [...(byModel.get(result.model) ?? []), result]);
  }
  return [...byModel].map(([model, runs]) => ({ model, runs, categories: categoryScores(runs) }));
}

export { failureKinds };
