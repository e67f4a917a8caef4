// A plain-text table of run summaries for terminals and READMEs.
import type { RunSummary } from "../runner/index.js";
import { formatTextTable } from "./text-table.js";

export function formatResultsTable(
  summaries: readonly RunSummary[],
  metricNames: readonly string[] = [],
): string {
  const header = ["env", "model", "backend", "episodes", "success", ...metricNames, "failures"];
  const rows = summaries.map((s) => [
    s.env,
    s.model,
    s.backend,
    String(s.tasks),
    `${(100 * s.successRate).toFixed(1)}%`,
    ...metricNames.map((m) => (s.metrics[m] === undefined ? "-" : (s.metrics[m] ?? 0).toFixed(3))),
    Object.entries(s.failures)
      .map(([label, n]) => `${label} ${n}`)
      .join(", ") || "-",
  ]);
  return formatTextTable(header, rows).join("\n");
}
