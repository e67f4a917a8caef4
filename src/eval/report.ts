// `report`: one self-contained HTML file (tables and server-rendered SVG charts, no network to view)
// and a Markdown version for READMEs.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import {
  type CategoryOverall,
  failureChart,
  overviewChart,
  rewardChart,
  scoreChart,
  turnsChart,
} from "./charts.js";
import { type Category, categoryScore } from "./normalized-score.js";
import { paperReferenceModels, paperReferenceSource } from "./paper-reference.js";
import { failureKinds, loadResults, type ModelResults, protocolMismatch } from "./results-model.js";

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The paper's models on the same tasks, their overalls recomputed over those tasks only (comparable). */
function referenceRows(
  tasks: readonly string[],
  categories: readonly Category[],
  normalizers: Readonly<Record<string, number>> | undefined,
): string[][] {
  if (!tasks.some((t) => paperReferenceModels[0]?.scores[t] !== undefined)) return [];
  return paperReferenceModels.map((ref) => {
    const scores = Object.fromEntries(
      tasks.flatMap((t) => (ref.scores[t] === undefined ? [] : [[t, ref.scores[t]]])),
    );
    return [
      `${ref.model} (paper)`,
      ...tasks.map((t) => ref.scores[t]?.toFixed(1) ?? "-"),
      ...categories.map(
        (c) => categoryScore(scores, c, normalizers ? { normalizers } : {})?.overall.toFixed(2) ?? "-",
      ),
    ];
  });
}

/** Every run's category overalls, then the paper's models' over the same tasks. */
function categoryOveralls(
  models: readonly ModelResults[],
  normalizers: Readonly<Record<string, number>> | undefined,
): CategoryOverall[] {
  const tasks = [...new Set(models.flatMap((m) => m.runs.map((r) => r.task)))];
  const categories = [...new Set(models.flatMap((m) => m.categories.map((c) => c.category)))];
  const runs = models.flatMap((m) =>
    m.categories.map((c) => ({ model: m.model, category: c.category, overall: c.overall })),
  );
  if (!tasks.some((t) => paperReferenceModels[0]?.scores[t] !== undefined)) return runs;
  const references = paperReferenceModels.flatMap((ref) => {
    const scores = Object.fromEntries(
      tasks.flatMap((t) => (ref.scores[t] === undefined ? [] : [[t, ref.scores[t]]])),
    );
    return categories.flatMap((category) => {
      const score = categoryScore(scores, category, normalizers ? { normalizers } : {});
      return score?.tasks.length ? [{ model: `${ref.model} (paper)`, category, overall: score.overall }] : [];
    });
  });
  return [...runs, ...references];
}

function tables(models: readonly ModelResults[], normalizers?: Readonly<Record<string, number>>) {
  const tasks = [...new Set(models.flatMap((m) => m.runs.map((r) => r.task)))];
  const categories = [...new Set(models.flatMap((m) => m.categories.map((c) => c.category)))];
  const results = {
    header: ["model", ...tasks, ...categories.map((c) => `${c} overall`)],
    references: referenceRows(tasks, categories, normalizers),
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
    header: ["model", "task", "protocol", "prompts", "episodes", "success", "avg turns", ...kinds],
    rows: models.flatMap((m) =>
      m.runs.map((r) => [
        m.model,
        r.task,
        r.protocol,
        r.prompts,
        String(r.episodes),
        `${(100 * r.successRate).toFixed(1)}%`,
        r.averageTurns.toFixed(2),
        ...kinds.map((k) => String(r.failures[k] ?? 0)),
      ]),
    ),
  };
  return { results, failures };
}

interface Table {
  header: string[];
  rows: string[][];
  /** Rows of published reference models, set apart below the user's. */
  references?: string[][];
}

const overallTooltip =
  "1.00 = the average score of the reference models behind AgentTuning's normalizers, averaged over this category's tasks";

const htmlTable = ({ header, rows, references = [] }: Table) =>
  `<table><thead><tr>${header
    .map((h) =>
      h.endsWith(" overall")
        ? `<th title="${escapeHtml(overallTooltip)}">${escapeHtml(h)}</th>`
        : `<th>${escapeHtml(h)}</th>`,
    )
    .join("")}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join("")}</tr>`)
    .join("")}${references
    .map((r) => `<tr class="reference">${r.map((c) => `<td>${escapeHtml(c)}</td>`).join("")}</tr>`)
    .join("")}</tbody></table>`;

const markdownTable = ({ header, rows, references = [] }: Table) =>
  [
    `| ${header.join(" | ")} |`,
    `|${header.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
    ...references.map((r) => `| *${r[0]}* | ${r.slice(1).join(" | ")} |`),
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
  const { results, failures } = tables(models, options.normalizers);
  const [overview, scores, fails, turns, rewards] = await Promise.all([
    overviewChart(categoryOveralls(models, options.normalizers)),
    scoreChart(models),
    failureChart(models),
    turnsChart(models),
    rewardChart(models),
  ]);
  const episodes = models.reduce((n, m) => n + m.runs.reduce((k, r) => k + r.episodes, 0), 0);
  const note = [
    protocolMismatch(models) ?? "",
    "Scores in percent with 95% bootstrap intervals over episodes.",
    `A category overall is the mean over its tasks of score / W, where W is the task's normalizer (${options.normalizers ? "yours, from --normalizers" : "AgentTuning's: the average score of a reference pool of models"}): 1.00 means as good as that average, GPT-4 reaches 2.75 held-in in the paper.`,
    results.references.length
      ? `Rows marked (paper) are published reference results, not runs of yours: ${paperReferenceSource}. They were measured on the benchmarks' own test sets with AgentBench as vendored in AgentTuning (protocol agentbench-old); their overalls here are recomputed over the tasks above so that they compare.`
      : "",
    models.some((m) =>
      m.runs.some((r) => r.prompts === "agenttune" && paperReferenceModels[0]?.scores[r.task] !== undefined),
    )
      ? "Runs with prompts \"agenttune\" used agenttune's own wording of the instructions and examples, not AgentBench's (pass --agentbench DIR): a model tuned on AgentBench's exact prompts may score differently, so they do not compare with the (paper) rows."
      : "",
    "Failure kinds are rule-based: repetition = the same reply three times in a row.",
  ]
    .filter(Boolean)
    .join(" ");
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>agenttune report</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#222;padding:0 1rem}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}th,td{border:1px solid #ccc;padding:.3rem .6rem;text-align:right}
th:first-child,td:first-child{text-align:left}th{background:#f4f4f4}
.charts{display:flex;flex-wrap:wrap;gap:1.5rem}.chart svg{max-width:100%;height:auto}
.note{color:#555;font-size:.85rem}
th[title]{text-decoration:underline dotted;cursor:help}
tr.reference td{color:#666;font-style:italic;background:#fafafa}
</style></head><body>
<h1>agenttune report</h1>
<p class="note">${models.length} models, ${models.reduce((n, m) => n + m.runs.length, 0)} runs, ${episodes} episodes · ${escapeHtml(paths.join(", "))}</p>
<h2>Results</h2>
${htmlTable(results)}
<p class="note">${escapeHtml(note)}</p>
<h2>Charts</h2>
<div class="charts">
<div class="chart" id="chart-overview">${overview}</div>
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
