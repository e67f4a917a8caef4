import { cpSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Template } from "@huggingface/jinja";
import { describe, expect, it } from "vitest";
import { chromiumAvailable, launchChromium } from "../test/helpers/chromium.js";
import { formatComparison } from "./eval/compare.js";
import { writeReport } from "./eval/report.js";
import { loadResults, normalizersFromRuns } from "./eval/results-model.js";
import { loadRun } from "./eval/run-store.js";
import { runQuickstart } from "./quickstart.js";
import {
  builtinTemplates,
  type ChatTemplate,
  checkExport,
  exportFile,
  type LlamaFactoryExport,
  type LossPolicy,
  loadTokenizer,
  lossPolicies,
  type OpenAiExport,
  readConversations,
  readHfDatasetDict,
  type TrlExport,
  trainedTurns,
} from "./tune/index.js";
import {
  byteLevelBpeTokenizer,
  sentencePieceBpeTokenizer,
  writeTokenizerDir,
} from "./tune/test-helpers/tiny-tokenizers.js";

const dir = mkdtempSync(join(tmpdir(), "report-"));
const quickstart = runQuickstart({ out: join(dir, "qs"), log: () => {} });

describe("function calling in the quickstart", () => {
  it("collects db in tools mode and exports it with native calls that pass OpenAI's rules", async () => {
    await quickstart;
    const out = join(dir, "qs", "tune", "tools", "openai");
    const [check] = checkExport(out);
    expect(check?.problems).toEqual([]);
    expect(check?.examples).toBe(8);
    const first = JSON.parse(
      readFileSync(join(out, "agenttune.openai.jsonl"), "utf8").split("\n")[0] as string,
    );
    expect(first.tools.map((t: { function: { name: string } }) => t.function.name)).toEqual([
      "execute_sql",
      "commit_final_answer",
    ]);
    expect(first.messages.some((m: { tool_calls?: unknown[] }) => m.tool_calls?.length)).toBe(true);
  }, 300_000);
});

describe("report", () => {
  it("quickstart writes a self-contained report with tables and five SVG charts", async () => {
    const { report } = await quickstart;
    const html = readFileSync(report, "utf8");
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/); // nothing to fetch or run at view time
    for (const id of ["chart-overview", "chart-scores", "chart-failures", "chart-turns", "chart-rewards"]) {
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
    // the paper's rows, on the same tasks (quickstart: alfworld, cardgame, db, hotpotqa, kg, mind2web,
    // os, rewoo, webshop), marked; held-out overall over HotpotQA, ReWOO and the card game:
    // (52.1/38 + 79.7/57 + 50.0/16)/3 = 1.96
    // (without bubblewrap, no os: the held-in overall is over five tasks)
    expect(markdown).toMatch(
      /\| \*GPT-4 \(paper\)\* \| 78\.0 \| 50\.0 \| 33\.7 \| 52\.1 \| 52\.1 \| 22\.6 \| (36\.8 \| 79\.7 \| 58\.6 \| 2\.75|79\.7 \| 58\.6 \| 2\.91) \| 1\.96 \|/,
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
      /summary\.json: results format version \(none: written before versions\); this agenttune reads versions 1 and 2 \(writes 2\)/,
    );
    // version 1 (before tool calls) still reads
    writeFileSync(join(old, "summary.json"), JSON.stringify({ ...summary, formatVersion: 1 }));
    expect((await loadRun(old)).summary.formatVersion).toBe(1);
    writeFileSync(join(old, "summary.json"), JSON.stringify({ ...summary, model: "someone-else" }));
    await expect(loadRun(old)).rejects.toThrow(
      /results\.jsonl:1: model: ".*" in a run of "someone-else"; one model per results dir/,
    );
  });
});

// The three training targets must train the same tokens: the turns `loss` selects under each policy
// (AgentInstruct's loss:false turns untrained under per-turn). Checked on the quickstart's own mix for
// each built-in template: LLaMA-Factory's pre-tokenized labels, TRL's {% generation %} spans and OpenAI's
// weights.
describe("training exports agree on the quickstart mix", () => {
  const templates = [
    ["llama-2", sentencePieceBpeTokenizer()],
    ["chatml", byteLevelBpeTokenizer()],
    ["llama-3", byteLevelBpeTokenizer()],
  ] as const;
  for (const [templateName, tokenizerJson] of templates) {
    it(`${templateName}: LLaMA-Factory labels = TRL generation spans = OpenAI weights, for every policy`, async () => {
      await quickstart;
      const mixFile = join(dir, "qs", "tune", "mix", "mixed.jsonl");
      const mix = await readConversations(mixFile);
      const tokenizerDir = writeTokenizerDir(join(dir, `tok-${templateName}`), tokenizerJson);
      const tokenizer = loadTokenizer(tokenizerDir);
      const template = builtinTemplates[templateName] as ChatTemplate;
      for (const policy of lossPolicies) {
        const out = (target: string) => join(dir, "agree", templateName, policy, target);
        const common = { input: mixFile, template: templateName, policy, maxLength: 1_000_000 };
        const lf = (await exportFile({
          ...common,
          target: "llamafactory",
          out: out("lf"),
          tokenizer: tokenizerDir,
        })) as LlamaFactoryExport;
        const trl = (await exportFile({ ...common, target: "trl", out: out("trl") })) as TrlExport;
        const openai = (await exportFile({
          ...common,
          target: "openai",
          out: out("openai"),
        })) as OpenAiExport;

        // what each policy selects, counted from the mix's own messages
        const expected = { agent: 0, general: 0 };
        for (const c of mix) {
          const n = trainedTurns(c.messages, policy).filter(Boolean).length;
          expected[c.source] += n;
        }
        // LLaMA-Factory: runs of labels ≠ -100, each with the token before it
        const rows = readHfDatasetDict(lf.tokenized?.dir as string).train ?? [];
        const lfRuns = rows.map((row) => {
          const runs: { previous: number; ids: number[] }[] = [];
          for (const [t, label] of row.labels.entries()) {
            if (label === -100) continue;
            if (t === 0 || row.labels[t - 1] === -100)
              runs.push({ previous: row.input_ids[t - 1] as number, ids: [] });
            runs.at(-1)?.ids.push(row.input_ids[t] as number);
          }
          return runs;
        });
        // TRL: the text inside {% generation %} when its data is rendered with its template (the
        // markers made visible, as transformers' apply_chat_template finds them)
        const marked = new Template(
          readFileSync(trl.templateFile, "utf8")
            .replaceAll("{% generation %}", "⟦")
            .replaceAll("{% endgeneration %}", "⟧"),
        );
        const trlRecords = readFileSync(trl.dataFile, "utf8")
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l));
        const trlSpans = trlRecords.map((r) =>
          [
            ...marked
              .render({
                messages: r.messages,
                bos_token: template.bosToken,
                eos_token: template.eosToken,
                add_generation_prompt: false,
              })
              .matchAll(/⟦([\s\S]*?)⟧/g),
          ].map((m) => m[1] as string),
        );
        // OpenAI: the assistant messages with weight 1
        const openaiTurns = readFileSync(openai.dataFile, "utf8")
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l).messages.filter((m: { weight?: number }) => m.weight === 1));

        // the trained tokens cover exactly each span: decoded after the token before them they end with
        // the span's text, and alone they are its end (a SentencePiece token "▁Answer" carries the space
        // the span starts with, and decoding a run alone drops a leading space)
        expect(
          lfRuns.map((r) => r.length),
          `${templateName} ${policy}`,
        ).toEqual(trlSpans.map((s) => s.length));
        for (const [i, runs] of lfRuns.entries())
          for (const [j, run] of runs.entries()) {
            const span = trlSpans[i]?.[j] as string;
            expect(tokenizer.decode([run.previous, ...run.ids]).endsWith(span), span).toBe(true);
            expect(span.endsWith(tokenizer.decode(run.ids)), span).toBe(true);
          }
        expect(openaiTurns.map((t: unknown[]) => t.length)).toEqual(trlSpans.map((s) => s.length));
        for (const [i, turns] of openaiTurns.entries())
          for (const [j, m] of (turns as { content: string }[]).entries())
            expect(trlSpans[i]?.[j]).toContain(m.content.trim());
        const total = trlSpans.reduce((n, s) => n + s.length, 0);
        expect(total).toBe(expected.agent + expected.general);
        expect(lf.tokenized?.truncated).toBe(0);
        // and the conformance check reads all three the same way
        for (const target of ["lf", "trl", "openai"]) {
          const [check] = checkExport(out(target));
          expect(check?.problems).toEqual([]);
          expect(check?.trainedTurns).toBe(total);
        }
      }
    });
  }

  it("per-turn trains fewer agent turns than all-assistant: the loss:false turns of the mix are untrained", async () => {
    await quickstart;
    const mix = await readConversations(join(dir, "qs", "tune", "mix", "mixed.jsonl"));
    const agent = mix.filter((c) => c.source === "agent");
    const count = (policy: LossPolicy) =>
      agent.reduce((n, c) => n + trainedTurns(c.messages, policy).filter(Boolean).length, 0);
    const untrained = agent.reduce(
      (n, c) => n + c.messages.filter((m) => m.role === "assistant" && m.loss === false).length,
      0,
    );
    expect(untrained).toBeGreaterThan(0);
    expect(count("per-turn")).toBe(count("all-assistant") - untrained);
  });
});
