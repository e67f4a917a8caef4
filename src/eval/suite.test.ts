import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { heldInSuite, loadSuite, runSuite } from "./suite.js";

const dir = mkdtempSync(join(tmpdir(), "suite-"));

describe("suites", () => {
  it("the built-in held-in suite has every held-in env agenttune has", () => {
    expect(heldInSuite().envs.map((e) => e.env)).toEqual([
      "alfworld",
      "db",
      "kg",
      "mind2web",
      "os",
      "webshop",
    ]);
    expect(heldInSuite().envs[0]).toMatchObject({ tasks: "generated", count: 100, weight: 1 });
  });

  it("the built-in held-out suite adds miniwob (46 tasks × 10 episodes) when given its pages and prompts", () => {
    const pages = join(dir, "mw-html");
    const rci = join(dir, "mw-rci");
    mkdirSync(join(pages, "core"), { recursive: true });
    writeFileSync(join(pages, "core", "core.js"), "");
    mkdirSync(join(rci, "prompt"), { recursive: true });
    const suite = loadSuite("held-out", { miniwob: pages, prompts: rci });
    expect(suite.envs).toEqual([
      expect.objectContaining({ env: "miniwob", tasks: rci, miniwob: pages, prompts: rci, episodes: 10 }),
      expect.objectContaining({ env: "cardgame", tasks: "agentbench-ext", episodes: 50 }),
    ]);
    // either folder alone needs the other from an AgentTuning checkout
    expect(() => loadSuite("held-out", { miniwob: pages })).toThrow(/pass --prompts DIR/);
  });

  it("the built-in held-out suite runs hotpotqa and rewoo on the user's HotpotQA files, normalized as the paper", async () => {
    // without data files the suite is the card game alone (it needs none)
    expect(loadSuite("held-out").envs).toEqual([
      expect.objectContaining({ env: "cardgame", tasks: "agentbench-ext", episodes: 50 }),
    ]);
    // ReWOO's datasets in a folder of their own: 50 sampled from each file, pooled into one score
    const rewooDir = join(dir, "rewoo-data");
    mkdirSync(rewooDir, { recursive: true });
    copyFileSync("test/fixtures/hotpotqa/dev.jsonl", join(rewooDir, "hotpot_qa.jsonl"));
    writeFileSync(
      join(rewooDir, "gsm8k.jsonl"),
      `${JSON.stringify({ question: "What is 2 + 3?", answer: "2 + 3 = 5\n#### 5" })}\n`,
    );
    const both = loadSuite("held-out", { hotpotqa: "test/fixtures/hotpotqa", rewoo: rewooDir });
    expect(both.envs.map((e) => [e.env, e.tasks])).toEqual([
      ["hotpotqa", resolve("test/fixtures/hotpotqa")],
      ["rewoo", rewooDir],
      ["cardgame", "agentbench-ext"],
    ]);
    const pooled = await runSuite({
      suite: { ...both, envs: both.envs.slice(1, 2) },
      model: "oracle",
      out: join(dir, "rewoo-pooled"),
      progress: false,
      log: () => {},
    });
    expect(pooled.tasks.map((t) => [t.task, t.score, t.episodes])).toEqual([["ReWOO", 100, 4]]);
    const suite = loadSuite("held-out", { hotpotqa: "test/fixtures/hotpotqa" });
    expect(suite.envs.map((e) => [e.env, e.sample])).toEqual([
      ["hotpotqa", undefined],
      ["rewoo", 50],
      ["cardgame", undefined],
    ]);
    const result = await runSuite({
      suite,
      model: "oracle",
      out: join(dir, "held-out"),
      progress: false,
      log: () => {},
    });
    const heldOut = result.categories.find((c) => c.category === "held-out");
    expect(heldOut?.tasks.map((t) => [t.task, t.score])).toEqual([
      ["HotpotQA", 100],
      ["ReWOO", 100],
      // the oracle wins 191 of the 200 seeded games (it loses 9 as the second mover against baseline2)
      ["Digital Card Game", 95.5],
    ]);
    // AgentTuning's normalizers: HotpotQA 38, ReWOO 57, Digital Card Game 16
    expect(heldOut?.overall).toBeCloseTo((100 / 38 + 100 / 57 + 95.5 / 16) / 3);
    expect(heldOut?.missing).toEqual(["SciWorld", "MiniWoB++", "WebArena"]);
  });

  it("the built-in general suite runs the general benchmarks on the user's files, normalized as the paper", async () => {
    expect(() => loadSuite("general")).toThrow(/--suite general: pass --mmlu DIR .* --gsm8k FILE/);
    const suite = loadSuite("general", {
      mmlu: "test/fixtures/mmlu/data",
      gsm8k: "test/fixtures/gsm8k/sample.jsonl",
      mtbench: "test/fixtures/mtbench/question.jsonl",
    });
    expect(suite.envs.map((e) => [e.env, e.tasks])).toEqual([
      ["mmlu", resolve("test/fixtures/mmlu/data")],
      ["gsm8k", resolve("test/fixtures/gsm8k/sample.jsonl")],
      ["mtbench", resolve("test/fixtures/mtbench/question.jsonl")],
    ]);
    const result = await runSuite({
      suite: { ...suite, envs: suite.envs.slice(0, 2) },
      model: "oracle",
      out: join(dir, "general"),
      progress: false,
      log: () => {},
    });
    const general = result.categories.find((c) => c.category === "general");
    expect(general?.tasks.map((t) => [t.task, t.score])).toEqual([
      ["MMLU", 100],
      ["GSM8K", 100],
    ]);
    // AgentTuning's normalizers: MMLU 58, GSM8K 54
    expect(general?.overall).toBeCloseTo((100 / 58 + 100 / 54) / 2);
    expect(general?.missing).toEqual(["HumanEval", "MT-Bench"]);
  });

  it("runs a suite file into one folder per env with scores, intervals and the normalized overall", async () => {
    const file = join(dir, "suite.yaml");
    writeFileSync(file, "name: small\nenvs:\n  - env: db\n    count: 8\n    limit: 5\n    weight: 2\n");
    const out = join(dir, "out");
    const lines: string[] = [];
    const result = await runSuite({
      suite: loadSuite(file),
      model: "oracle",
      out,
      progress: false,
      log: (l) => lines.push(l),
    });
    expect(result).toMatchObject({ suite: "small", model: "oracle", complete: true });
    expect(result.tasks[0]).toMatchObject({
      env: "db",
      task: "DB",
      category: "held-in",
      score: 100,
      episodes: 5,
      weight: 2,
    });
    expect(result.categories[0]).toMatchObject({ category: "held-in", overall: 100 / 12 });
    expect(lines[0]).toBe("db: DB 100.0 (95% CI 100.0–100.0) over 5 episodes");
    expect(JSON.parse(readFileSync(join(out, "suite.json"), "utf8")).tasks).toHaveLength(1);
    // resumable: a second run finds every episode done
    const again = await runSuite({
      suite: loadSuite(file),
      model: "oracle",
      out,
      progress: false,
      log: () => {},
    });
    expect(again.tasks[0]?.episodes).toBe(5);
  });

  it("says what it does while it generates a suite's tasks (os takes minutes)", async () => {
    const file = join(dir, "progress.yaml");
    writeFileSync(file, "envs:\n  - env: db\n    count: 10\n    limit: 1\n");
    const lines: string[] = [];
    await runSuite({
      suite: loadSuite(file),
      model: "oracle",
      out: join(dir, "progress"),
      log: (l) => lines.push(l),
    });
    expect(lines.slice(0, 3)).toEqual([
      "db: generating 10 tasks, each verified on the real backend…",
      "db: 2/10 tasks verified",
      "db: 4/10 tasks verified",
    ]);
    expect(lines).toContainEqual(expect.stringMatching(/^db: \d+ generated, 10 verified, /));
  });

  it("reads task paths relative to the suite file, not the working directory", () => {
    const file = join(dir, "relative.yaml");
    writeFileSync(file, "envs:\n  - env: db\n    tasks: data/dev.jsonl\n  - env: kg\n");
    const suite = loadSuite(file);
    expect(suite.envs.map((e) => e.tasks)).toEqual([join(dir, "data/dev.jsonl"), "generated"]);
  });

  it("explains a broken suite file", () => {
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, "envs:\n  - env: db\n    limit: zero\n");
    expect(() => loadSuite(bad)).toThrow(/bad\.yaml:3: envs\.0\.limit:/);
    writeFileSync(bad, "envs:\n  - env: db\n    limt: 5\n");
    expect(() => loadSuite(bad)).toThrow(
      /bad\.yaml:3: envs\.0\.limt: unknown key \(did you mean "limit"\?\)/,
    );
    writeFileSync(bad, "envs:\n  - env: chess\n");
    expect(() => loadSuite(bad)).toThrow(/unknown env "chess"/);
    expect(() => loadSuite("held-on")).toThrow(
      /--suite "held-on": not "held-in", "held-out", "general" or a file/,
    );
  });
});
