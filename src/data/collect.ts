// `collect`: a teacher model acts in an env on a task file; trajectories.jsonl is resumable, and the
// summary adds token usage and a cost estimate when the endpoint reports usage.
import { join } from "node:path";
import { type RunEnvTasksOptions, type RunSummary, runEnvTasks, writeSummary } from "../runner/index.js";
import { estimateCostUsd, listPrices, modelName, type Price } from "./cost.js";

export interface CollectOptions extends Omit<RunEnvTasksOptions, "resultsFile"> {
  /** Price for the cost estimate; default: the list price of a known model name. */
  price?: Price;
}

export interface CollectSummary extends RunSummary {
  /** Estimated USD from reported usage; absent when the endpoint reports none or the price is unknown. */
  costUsd?: number;
}

export async function collectTrajectories({ price, ...options }: CollectOptions): Promise<CollectSummary> {
  const summary: CollectSummary = await runEnvTasks({ ...options, resultsFile: "trajectories.jsonl" });
  const costUsd = estimateCostUsd(summary.usage, price ?? listPrices[modelName(summary.model)]);
  if (costUsd !== undefined) {
    summary.costUsd = costUsd;
    writeSummary(join(options.out, "summary.json"), summary);
  }
  return summary;
}
