// Vega-Lite charts rendered to SVG on the server: the report needs no network or script to view.
import type { TopLevelSpec } from "vega-lite";
import { failureKinds, type ModelResults } from "./results-model.js";

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  // loaded when a report is drawn: together they cost ~0.4 s at start-up
  const [vega, { compile }] = await Promise.all([import("vega"), import("vega-lite")]);
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

const base = {
  $schema: "https://vega.github.io/schema/vega-lite/v5.json",
  config: {
    font: "system-ui, sans-serif",
    // model ids are long (a URL, a file path): show them whole, one per line under the chart
    legend: { labelLimit: 0, orient: "bottom", direction: "vertical" },
    axis: { labelLimit: 400 },
  },
} as const;

export async function scoreChart(models: readonly ModelResults[]): Promise<string> {
  const values = models.flatMap((m) =>
    m.runs.map((r) => ({
      model: m.model,
      task: r.task,
      score: r.score,
      low: r.interval.low,
      high: r.interval.high,
    })),
  );
  return renderSvg({
    ...base,
    title: "Score per task (95% bootstrap interval)",
    data: { values },
    width: { step: 28 },
    height: 220,
    encoding: { x: { field: "task", type: "nominal", title: null }, xOffset: { field: "model" } },
    layer: [
      {
        mark: "bar",
        encoding: {
          y: { field: "score", type: "quantitative", title: "score (%)" },
          color: { field: "model", type: "nominal" },
        },
      },
      {
        mark: { type: "rule", color: "#333" },
        encoding: { y: { field: "low", type: "quantitative" }, y2: { field: "high" } },
      },
    ],
  } as TopLevelSpec);
}

export async function failureChart(models: readonly ModelResults[]): Promise<string> {
  const values = models.flatMap((m) =>
    m.runs.flatMap((r) =>
      failureKinds.flatMap((kind) =>
        r.failures[kind] ? [{ run: `${m.model} · ${r.task}`, kind, episodes: r.failures[kind] }] : [],
      ),
    ),
  );
  if (values.length === 0) values.push({ run: "no failures", kind: "wrong_answer", episodes: 0 });
  return renderSvg({
    ...base,
    title: "Failed episodes by kind",
    data: { values },
    width: 420,
    mark: "bar",
    encoding: {
      y: { field: "run", type: "nominal", title: null },
      x: { field: "episodes", type: "quantitative", stack: "zero" },
      color: { field: "kind", type: "nominal", scale: { domain: [...failureKinds] } },
    },
  } as TopLevelSpec);
}

/** Grouped bars of episode counts per bin, one colour per model. */
function countsChart(title: string, field: string, values: Record<string, unknown>[]): Promise<string> {
  return renderSvg({
    ...base,
    title,
    data: { values },
    width: 320,
    height: 180,
    mark: "bar",
    encoding: {
      x: { field, type: "ordinal" },
      xOffset: { field: "model" },
      y: { field: "episodes", type: "quantitative", aggregate: "sum", title: "episodes" },
      color: { field: "model", type: "nominal" },
    },
  } as TopLevelSpec);
}

export function turnsChart(models: readonly ModelResults[]): Promise<string> {
  const values = models.flatMap((m) =>
    m.runs.flatMap((r) =>
      Object.entries(r.turnCounts).map(([turns, episodes]) => ({
        model: m.model,
        turns: Number(turns),
        episodes,
      })),
    ),
  );
  return countsChart("Agent turns per episode", "turns", values);
}

export function rewardChart(models: readonly ModelResults[]): Promise<string> {
  const values = models.flatMap((m) =>
    m.runs.flatMap((r) =>
      r.rewardBins.map((episodes, bin) => ({
        model: m.model,
        reward: `${(bin / 10).toFixed(1)}–${((bin + 1) / 10).toFixed(1)}`,
        episodes,
      })),
    ),
  );
  return countsChart("Reward distribution", "reward", values);
}

export interface CategoryOverall {
  model: string;
  category: string;
  overall: number;
}

/**
 * The paper's overview (its Figure 1): each model's held-in, held-out and general overall side by
 * side; the paper's models, recomputed over the same tasks, beside the runs.
 */
export function overviewChart(values: readonly CategoryOverall[]): Promise<string> {
  const shown = values.length ? values : [{ model: "no category overall", category: "held-in", overall: 0 }];
  return renderSvg({
    ...base,
    title: "Overall per category (1.00 = the reference models' average)",
    data: { values: shown },
    width: { step: 18 },
    height: 220,
    mark: "bar",
    encoding: {
      x: { field: "category", type: "nominal", title: null, sort: ["held-in", "held-out", "general"] },
      xOffset: { field: "model" },
      y: { field: "overall", type: "quantitative", title: "normalized overall" },
      color: { field: "model", type: "nominal" },
    },
  } as TopLevelSpec);
}
