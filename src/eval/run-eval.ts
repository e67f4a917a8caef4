// Evaluates a model on one env's tasks (results.jsonl + summary.json in the output dir).
import { type RunEnvTasksOptions, type RunSummary, runEnvTasks } from "../runner/index.js";

export type RunEvalOptions = Omit<RunEnvTasksOptions, "samples" | "resultsFile">;

export function runEval(options: RunEvalOptions): Promise<RunSummary> {
  return runEnvTasks({ ...options, resultsFile: "results.jsonl" });
}
