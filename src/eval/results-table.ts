// A plain-text table of run summaries for terminals and READMEs.
import type { RunSummary } from "../runner/index.js";

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
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}
