import { cpSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { chromiumAvailable, launchChromium } from "../../test/helpers/chromium.js";
import { runQuickstart } from "../quickstart.js";
import { formatComparison } from "./compare.js";
import { writeReport } from "./report.js";
import { loadResults, normalizersFromRuns } from "./results-model.js";
import { loadRun } from "./run-store.js";

const dir = mkdtempSync(join(tmpdir(), "report-"));
const quickstart = runQuickstart({ out: join(dir, "qs"), log: () => {} });

describe("report", () => {
  it("quickstart writes a self-contained report with tables and four SVG charts", async () => {
    const { report } = await quickstart;
    const html = readFileSync(report, "utf8");
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/); // nothing to fetch or run at view time
    for (const id of ["chart-scores", "chart-failures", "chart-turns", "chart-rewards"]) {
      const chart = new RegExp(`id="${id}"><svg[\\s\\S]*?</svg>`).exec(html)?.[0] ?? "";
      expect(chart, id).toMatch(/class="mark-rect/);
    }
    expect(html).toContain("held-in overall");
    expect(html).toMatch(
      /<th title="1\.00 = the average score of the reference models[^"]*">held-in overall<\/th>/,
    );
    expect(html).toMatch(/1\.00 means as good as that average/);
    const markdown = readFileSync(report.replace(/\.html$/, ".md"), "utf8");
    expect(markdown).toMatch(/\| oracle \| 100\.0 \[100\.0–100\.0\] \|/);
    // the paper's rows, on the same tasks (quickstart: alfworld, db, kg, mind2web, os, webshop), marked
    expect(markdown).toMatch(
      /\| \*GPT-4 \(paper\)\* \| 78\.0 \| 33\.7 \| 52\.1 \| 22\.6 \| 36\.8 \| 58\.6 \| 2\.75 \|/,
    );
    expect(markdown).toMatch(/\| \*AgentLM-70B \(paper\)\* \|.* \| 2\.55 \|/);
    expect(markdown).toContain("AgentTuning (Zeng et al., 2023, arXiv:2310.12823), Table 4");
    // the quickstart runs without an AgentBench checkout: marked, and said not to compare
    expect(markdown).toMatch(/\| oracle \| DB \| agentbench-old \| agenttune \| 22 \|/);
    expect(markdown).toContain('Runs with prompts "agenttune" used agenttune\'s own wording');
    expect(html).toContain('<tr class="reference"><td>GPT-3.5 (paper)</td>');
    // legends carry whole model names, however long (vega cuts labels with "…" by default)
    const legend = /id="chart-scores">[\s\S]*?<\/svg>/.exec(html)?.[0] ?? "";
    expect(legend).toContain(`scripted:${join(dir, "qs", "eval", "weak-model.jsonl")}`);
    expect(legend).not.toContain("…");
  });

  it.skipIf(!chromiumAvailable)("renders in Chromium with every chart drawn", async () => {
    const { report } = await quickstart;
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 1600 } });
      await page.goto(`file://${report}`);
      for (const id of ["chart-scores", "chart-failures", "chart-turns", "chart-rewards"]) {
        const marks = await page.locator(`#${id} svg .mark-rect path`).count();
        expect(marks, id).toBeGreaterThan(0);
        const box = await page.locator(`#${id} svg`).boundingBox();
        expect(box?.width ?? 0).toBeGreaterThan(100);
      }
      const shot = join(dir, "report.png");
      await page.screenshot({ path: shot, fullPage: true });
      expect(statSync(shot).size).toBeGreaterThan(20_000);
    } finally {
      await browser.close();
    }
  });

  it("compare and report warn when runs reproduce different protocols", async () => {
    await quickstart;
    const copy = join(dir, "db-oracle-v02");
    cpSync(join(dir, "qs", "eval", "db-oracle"), copy, { recursive: true });
    const summary = JSON.parse(readFileSync(join(copy, "summary.json"), "utf8"));
    expect(summary.protocol).toBe("agentbench-old");
    writeFileSync(
      join(copy, "summary.json"),
      JSON.stringify({ ...summary, model: "other", protocol: "agentbench-v0.2" }),
    );
    const lines = readFileSync(join(copy, "results.jsonl"), "utf8").replaceAll(
      '"model":"oracle"',
      '"model":"other"',
    );
    writeFileSync(join(copy, "results.jsonl"), lines);
    const models = await loadResults([join(dir, "qs", "eval", "db-oracle"), copy]);
    expect(formatComparison(models)).toMatch(
      /^warning: these runs reproduce different protocols, so their scores do not compare: agentbench-old \(oracle DB\); agentbench-v0\.2 \(other DB\)/,
    );
    const { markdown } = await writeReport(
      [join(dir, "qs", "eval", "db-oracle"), copy],
      join(dir, "mixed.html"),
    );
    expect(readFileSync(markdown, "utf8")).toContain("warning: these runs reproduce different protocols");
  });

  it("compares runs with deltas and marks non-overlapping intervals", async () => {
    await quickstart;
    const table = formatComparison(
      await loadResults([join(dir, "qs", "eval", "db-oracle"), join(dir, "qs", "eval", "db-weak")]),
    );
    expect(table).toMatch(/oracle\s+100\.0 \[100\.0, 100\.0\]\s+8\.33/);
    expect(table).toMatch(/\d+\.\d \[\d+\.\d, \d+\.\d\] -\d+\.\d \*/);
  });

  it("recomputes normalizers from a pool of runs and uses them, or says which task lacks one", async () => {
    await quickstart;
    const pool = [join(dir, "qs", "eval", "db-oracle"), join(dir, "qs", "eval", "db-weak")];
    const normalizers = await normalizersFromRuns(pool);
    const weak = JSON.parse(readFileSync(join(dir, "qs", "eval", "db-weak", "summary.json"), "utf8"));
    expect(normalizers.DB).toBeCloseTo((100 + 100 * weak.successRate) / 2);
    const [oracle] = await loadResults(pool, { normalizers });
    expect(oracle?.categories[0]?.overall).toBeCloseTo(100 / (normalizers.DB as number));
    await expect(loadResults(pool, { normalizers: { OS: 19 } })).rejects.toThrow(/no normalizer for task DB/);
  });

  it("refuses results of another format version and mixed models, naming the file", async () => {
    await quickstart;
    const run = join(dir, "qs", "eval", "db-weak");
    const summary = JSON.parse(readFileSync(join(run, "summary.json"), "utf8"));
    const old = join(dir, "old");
    const { mkdirSync, copyFileSync } = await import("node:fs");
    mkdirSync(old, { recursive: true });
    copyFileSync(join(run, "results.jsonl"), join(old, "results.jsonl"));
    writeFileSync(join(old, "summary.json"), JSON.stringify({ ...summary, formatVersion: undefined }));
    await expect(loadRun(old)).rejects.toThrow(
      /summary\.json: results format version \(none: written before versions\); this agenttune reads version 1/,
    );
    writeFileSync(join(old, "summary.json"), JSON.stringify({ ...summary, model: "someone-else" }));
    await expect(loadRun(old)).rejects.toThrow(
      /results\.jsonl:1: model: ".*" in a run of "someone-else"; one model per results dir/,
    );
  });
});
