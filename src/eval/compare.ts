// `compare`: per-task scores of several runs side by side, deltas against the first, and a mark where
// the 95% intervals do not overlap.
import { type ModelResults, protocolMismatch } from "./results-model.js";
import { formatTextTable } from "./text-table.js";

const overlaps = (a: { low: number; high: number }, b: { low: number; high: number }) =>
  a.low <= b.high && b.low <= a.high;

export function formatComparison(models: readonly ModelResults[]): string {
  const [base] = models;
  if (!base) return "no runs";
  const tasks = [...new Set(models.flatMap((m) => m.runs.map((r) => r.task)))];
  const categories = [...new Set(models.flatMap((m) => m.categories.map((c) => c.category)))];
  const header = ["model", ...tasks, ...categories.map((c) => `${c} overall`)];
  const rows = models.map((m) => {
    const cells = tasks.map((task) => {
      const run = m.runs.find((r) => r.task === task);
      if (!run) return "-";
      const text = `${run.score.toFixed(1)} [${run.interval.low.toFixed(1)}, ${run.interval.high.toFixed(1)}]`;
      const baseRun = base.runs.find((r) => r.task === task);
      if (m === base || !baseRun) return text;
      const delta = run.score - baseRun.score;
      const mark = overlaps(run.interval, baseRun.interval) ? "" : " *";
      return `${text} ${delta >= 0 ? "+" : ""}${delta.toFixed(1)}${mark}`;
    });
    const overall = categories.map((c) => {
      const value = m.categories.find((x) => x.category === c)?.overall;
      const baseValue = base.categories.find((x) => x.category === c)?.overall;
      if (value === undefined) return "-";
      if (m === base || baseValue === undefined) return value.toFixed(2);
      const delta = value - baseValue;
      return `${value.toFixed(2)} ${delta >= 0 ? "+" : ""}${delta.toFixed(2)}`;
    });
    return [m.model, ...cells, ...overall];
  });
  const mismatch = protocolMismatch(models);
  return [
    ...(mismatch ? [mismatch, ""] : []),
    ...formatTextTable(header, rows),
    "",
    `scores in percent with 95% bootstrap intervals; deltas against ${base.model}; * = intervals do not overlap`,
  ].join("\n");
}
