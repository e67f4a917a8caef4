// `agenttune report`, `agenttune compare`, `agenttune view`: read result dirs.
import type { Command } from "commander";
import {
  formatComparison,
  loadResults,
  normalizersFromRuns,
  readNormalizers,
  writeReport,
} from "../eval/index.js";
import { serveViewer } from "../server/index.js";
import { positiveInt } from "./options.js";

export function registerReport(program: Command) {
  program
    .command("report")
    .description("a self-contained HTML report (tables, SVG charts) and a Markdown version of result dirs")
    .argument("<dirs...>", "run dirs (summary.json) or suite dirs")
    .option("--out <file>", "HTML file; the Markdown goes beside it", "report.html")
    .option("--normalizers <file>", "JSON {task: W} instead of the paper's normalizers")
    .action(async (dirs, opts) => {
      const r = await writeReport(dirs, opts.out, {
        normalizers: opts.normalizers ? readNormalizers(opts.normalizers) : undefined,
      });
      process.stdout.write(
        `${r.models} models, ${r.runs} runs, ${r.episodes} episodes → ${r.html} and ${r.markdown}\n`,
      );
    });
  program
    .command("compare")
    .description(
      "per-task scores side by side with 95% intervals, deltas against the first, * where intervals do not overlap",
    )
    .argument("<dirs...>", "run dirs or suite dirs, the first is the baseline")
    .option("--normalizers <file>", "JSON {task: W} instead of the paper's normalizers")
    .action(async (dirs, opts) => {
      const normalizers = opts.normalizers ? readNormalizers(opts.normalizers) : undefined;
      process.stdout.write(`${formatComparison(await loadResults(dirs, { normalizers }))}\n`);
    });
  program
    .command("normalizers")
    .description("recompute the normalizers W (each task's mean score) from your own pool of result dirs")
    .argument("<dirs...>", "run dirs or suite dirs of the reference models")
    .action(async (dirs) => {
      process.stdout.write(`${JSON.stringify(await normalizersFromRuns(dirs), null, 2)}\n`);
    });
  program
    .command("view")
    .description("browse runs and read episodes in a local web UI (127.0.0.1)")
    .argument("<dirs...>", "run dirs or suite dirs")
    .option("--port <n>", "port (default: a free one)", positiveInt)
    .action(async (dirs, opts) => {
      const viewer = await serveViewer(dirs, { port: opts.port ?? 0 });
      const episodes = viewer.runs.reduce((n, r) => n + r.episodes.length, 0);
      process.stdout.write(
        `agenttune viewer: ${viewer.url} (${viewer.runs.length} runs, ${episodes} episodes) — Ctrl-C to stop\n`,
      );
    });
}
