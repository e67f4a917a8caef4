// dbbench metrics as AgentBench reports them: accuracy per task type, SELECT/INSERT/UPDATE, their mean.
import type { Trajectory } from "../../core/index.js";
import { type DbTask, dbTaskType, isModifyingType } from "./tasks.js";

export function dbMetrics(
  results: readonly Trajectory[],
  tasks: ReadonlyMap<string, DbTask>,
): Record<string, number> {
  const byType = new Map<string, { correct: number; total: number }>();
  const count = (type: string, success: boolean) => {
    const entry = byType.get(type) ?? { correct: 0, total: 0 };
    entry.total++;
    if (success) entry.correct++;
    byType.set(type, entry);
  };
  for (const result of results) {
    const task = tasks.get(result.taskId);
    const type = task ? dbTaskType(task) : String(result.info?.type ?? "other");
    count(type, result.success);
    if (!isModifyingType(type)) count("SELECT", result.success);
  }
  const metrics: Record<string, number> = {};
  for (const [type, { correct, total }] of [...byType].sort()) metrics[`${type}_accuracy`] = correct / total;
  const categories = ["SELECT", "INSERT", "UPDATE"].filter((t) => byType.has(t));
  metrics.overall_cat_accuracy = categories.length
    ? categories.reduce((sum, t) => sum + (metrics[`${t}_accuracy`] ?? 0), 0) / categories.length
    : 0;
  metrics.avg_rounds = results.length ? results.reduce((sum, r) => sum + r.turns, 0) / results.length : 0;
  return metrics;
}
