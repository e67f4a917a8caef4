// `report`: one self-contained HTML file (tables and server-rendered SVG charts, no network to view)
// and a Markdown version for READMEs.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { failureChart, rewardChart, scoreChart, turnsChart } from "./charts.js";
import { failureKinds, loadResults, type ModelResults } from "./results-model.js";

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function tables(models: readonly ModelResults[]) {
  const tasks = [...new Set(models.flatMap((m) => m.runs.map((r) => r.task)))];
  const categories = [...new Set(models.flatMap((m) => m.categories.map((c) => c.category)))];
  const results = {
    header: ["model", ...tasks, ...categories.map((c) => `${c} overall`)],
    rows: models.map((m) => [
      m.model,
      ...tasks.map((task) => {
        const r = m.runs.find((x) => x.task === task);
        return r ? `${r.score.toFixed(1)} [${r.interval.low.toFixed(1)}–${r.interval.high.toFixed(1)}]` : "-";
      }),
      ...categories.map((c) => m.categories.find((x) => x.category === c)?.overall.toFixed(2) ?? "-"),
    ]),
  };
  const kinds = failureKinds.filter((k) => models.some((m) => m.runs.some((r) => r.failures[k])));
  const failures = {
    header: ["model", "task", "episodes", "success", "avg turns", ...kinds],
    rows: models.flatMap((m) =>
      m.runs.map((r) => [
        m.model,
        r.task,
        String(r.episodes),
        `${(100 * r.successRate).toFixed(1)}%`,
        r.averageTurns.toFixed(2),
        ...kinds.map((k) => String(r.failures[k] ?? 0)),
      ]),
    ),
  };
  return { results, failures };
}

const htmlTable = ({ header, rows }: { header: string[]; rows: string[][] }) =>
  `<table><thead><tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join("")}</tr>`)
    .join("")}</tbody></table>`;

const markdownTable = ({ header, rows }: { header: string[]; rows: string[][] }) =>
  [
    `| ${header.join(" | ")} |`,
    `|${header.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");

export interface ReportResult {
  html: string;
  markdown: string;
  models: number;
  runs: number;
  episodes: number;
}

export async function writeReport(
  paths: readonly string[],
  out: string,
  options: { normalizers?: Readonly<Record<string, number>> } = {},
): Promise<ReportResult> {
  const models = await loadResults(paths, options);
  const { results, failures } = tables(models);
  const [scores, fails, turns, rewards] = await Promise.all([
    scoreChart(models),
    failureChart(models),
    turnsChart(models),
    rewardChart(models),
  ]);
  const episodes = models.reduce((n, m) => n + m.runs.reduce((k, r) => k + r.episodes, 0), 0);
  const note =
    "Scores in percent with 95% bootstrap intervals over episodes; category overalls are means of score / normalizer (AgentTuning's normalizers). Failure kinds are rule-based: repetition = the same reply three times in a row.";
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>agenttune report</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#222;padding:0 1rem}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}th,td{border:1px solid #ccc;padding:.3rem .6rem;text-align:right}
th:first-child,td:first-child{text-align:left}th{background:#f4f4f4}
.charts{display:flex;flex-wrap:wrap;gap:1.5rem}.chart svg{max-width:100%;height:auto}
.note{color:#555;font-size:.85rem}
</style></head><body>
<h1>agenttune report</h1>
<p class="note">${models.length} models, ${models.reduce((n, m) => n + m.runs.length, 0)} runs, ${episodes} episodes · ${escapeHtml(paths.join(", "))}</p>
<h2>Results</h2>
${htmlTable(results)}
<p class="note">${escapeHtml(note)}</p>
<h2>Charts</h2>
<div class="charts">
<div class="chart" id="chart-scores">${scores}</div>
<div class="chart" id="chart-failures">${fails}</div>
<div class="chart" id="chart-turns">${turns}</div>
<div class="chart" id="chart-rewards">${rewards}</div>
</div>
<h2>Episodes and failures</h2>
${htmlTable(failures)}
</body></html>
`;
  const markdown = `# agenttune report\n\n## Results\n\n${markdownTable(results)}\n\n${note}\n\n## Episodes and failures\n\n${markdownTable(failures)}\n`;
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, html);
  const markdownFile = `${out.replace(/\.html?$/, "")}.md`;
  writeFileSync(markdownFile, markdown);
  return {
    html: out,
    markdown: markdownFile,
    models: models.length,
    runs: models.reduce((n, m) => n + m.runs.length, 0),
    episodes,
  };
}
