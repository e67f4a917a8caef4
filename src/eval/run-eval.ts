// Evaluates a model on one env's tasks (results.jsonl + summary.json in the output dir).
import { type RunEnvTasksOptions, type RunSummary, runEnvTasks } from "../runner/index.js";

/** `samples` > 1 runs each task that many times (pass@k; with a temperature above 0). */
export type RunEvalOptions = Omit<RunEnvTasksOptions, "resultsFile">;

export function runEval(options: RunEvalOptions): Promise<RunSummary> {
  return runEnvTasks({ ...options, resultsFile: "results.jsonl" });
}
