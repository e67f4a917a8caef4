// The CLI end to end, as a user runs it: real processes, real files, a loopback model server.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { startMockOpenAIServer } from "../models/test-helpers/mock-openai-server.js";
import { agenttune, cliMain } from "./test-helpers/run-cli.js";

const fixture = fileURLToPath(new URL("../../test/fixtures/dbbench-sample.jsonl", import.meta.url));
const alfworldFixture = fileURLToPath(new URL("../../test/fixtures/alfworld/split.json", import.meta.url));
const mind2webFixture = fileURLToPath(
  new URL("../../test/fixtures/mind2web/test_task_0.json", import.meta.url),
);
const dir = mkdtempSync(join(tmpdir(), "cli-"));

describe("agenttune CLI", () => {
  it("evaluates the oracle on dbbench-format tasks", async () => {
    const out = join(dir, "oracle");
    const { code, stdout } = await agenttune(
      "eval",
      "--env",
      "db",
      "--tasks",
      fixture,
      "--model",
      "oracle",
      "--out",
      out,
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(/db\s+oracle\s+sqlite\s+8\s+100\.0%/);
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    expect(summary).toMatchObject({ env: "db", model: "oracle", tasks: 8, successRate: 1 });
    expect(summary.metrics.overall_cat_accuracy).toBe(1);
  });

  it("plays the card game's built-in split, --games per baseline and seat", async () => {
    const out = join(dir, "cardgame");
    const { code, stdout } = await agenttune(
      "eval",
      "--env",
      "cardgame",
      "--games",
      "2",
      "--model",
      "oracle",
      "--out",
      out,
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(/cardgame\s+oracle\s+Aquawar engine \(in-process\)\s+8\s+100\.0%/);
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    expect(summary.metrics).toMatchObject({ games: 8, win_rate: 100 });
  });

  it("evaluates a model behind an OpenAI-compatible HTTP server and counts its tokens", async () => {
    const server = await startMockOpenAIServer({
      reply: (req) => {
        const last = req.messages.at(-1)?.content ?? "";
        if (last.startsWith("[(")) return `Thought: found it.\nAction: Answer\nFinal Answer: ["4"]`;
        return "Thought: look.\nAction: Operation\n```sql\nSELECT Gold FROM `Medal Table` WHERE Nation = 'Canada'\n```";
      },
    });
    try {
      const out = join(dir, "http");
      const { code } = await agenttune(
        "eval",
        "--env",
        "db",
        "--tasks",
        fixture,
        "--limit",
        "3",
        "--model",
        `${server.baseURL}#tiny`,
        "--out",
        out,
      );
      expect(code).toBe(0);
      const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
      expect(summary).toMatchObject({ tasks: 3, successRate: 2 / 3, failures: { wrong_answer: 1 } });
      expect(summary.usage.completionTokens).toBeGreaterThan(0);
      expect(server.requests[0]).toMatchObject({ model: "tiny", max_tokens: 128, temperature: 0 });
    } finally {
      await server.close();
    }
  });

  /** `eval` of the db fixture with a model spec into `out`. */
  const evalDb = (model: string, out: string, ...more: string[]) =>
    agenttune("eval", "--env", "db", "--tasks", fixture, "--model", model, "--out", out, ...more);
  const evalArgs = (url: string, out: string, ...more: string[]) => evalDb(`${url}#m`, out, ...more);
  const readLines = (file: string) =>
    readFileSync(file, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l));

  it("--max-tokens sets the replies' token limit, and a run's limit is part of what it measures", async () => {
    const server = await startMockOpenAIServer({
      reply: () => "Thought: done.\nAction: Answer\nFinal Answer: []",
    });
    try {
      const out = join(dir, "max-tokens");
      const run = (max: string, into = out) =>
        evalArgs(server.baseURL, into, "--limit", "1", "--max-tokens", max);
      expect((await run("64")).code).toBe(0);
      expect(server.requests.map((r) => r.max_tokens)).toEqual([64]);
      const changed = await run("32");
      expect(changed.code).toBe(1);
      expect(changed.stderr).toMatch(/maxTokens/);
      const bad = await run("0", join(dir, "max-tokens-0"));
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/--max-tokens/);
    } finally {
      await server.close();
    }
  });

  it("an unreachable server is no result: exit 3, the reason said, and the re-run retries", async () => {
    const server = await startMockOpenAIServer();
    const url = server.baseURL;
    await server.close();
    const out = join(dir, "down");
    const down = await evalArgs(url, out, "--limit", "2", "--max-retries", "1");
    expect(down.code).toBe(3);
    expect(down.stderr).toMatch(
      /run incomplete \(2 episodes left: 2 episodes failed on infrastructure \(last: .*cannot reach server \(ECONNREFUSED\)\)/,
    );
    expect(readLines(join(out, "results.jsonl"))).toEqual([]);
    expect(readLines(join(out, "errors.jsonl"))).toHaveLength(2);
    expect(JSON.parse(readFileSync(join(out, "summary.json"), "utf8"))).toMatchObject({
      complete: false,
      tasks: 0,
      incomplete: { pending: 2 },
    });

    const back = await startMockOpenAIServer({
      port: Number(new URL(url).port),
      reply: () => 'x\nAction: Answer\nFinal Answer: ["4"]',
    });
    try {
      const again = await evalArgs(url, out, "--limit", "2");
      expect(again.code).toBe(0);
      expect(readLines(join(out, "results.jsonl")).map((r) => r.failure ?? "ok")).toHaveLength(2);
      expect(JSON.parse(readFileSync(join(out, "summary.json"), "utf8"))).toMatchObject({
        complete: true,
        tasks: 2,
      });
    } finally {
      await back.close();
    }
  });

  it("an auth error stops the run after one request", async () => {
    const server = await startMockOpenAIServer({ failFirst: { count: 1000, status: 401 } });
    try {
      const out = join(dir, "auth");
      const { code, stderr } = await evalArgs(server.baseURL, out, "--concurrency", "1");
      expect(code).toBe(3);
      expect(stderr).toMatch(
        /8 episodes left: stopped: .*HTTP 401: .*injected 401 \(no retry can fix this\)/,
      );
      expect(server.requests).toHaveLength(1);
      expect(readLines(join(out, "results.jsonl"))).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it("a server answering garbage is no result either; 5 in a row stop the run", async () => {
    const server = await startMockOpenAIServer({ garbage: "<html>502 Bad Gateway</html>" });
    try {
      const out = join(dir, "garbage");
      const { code, stderr } = await evalArgs(server.baseURL, out, "--concurrency", "1");
      expect(code).toBe(3);
      expect(stderr).toMatch(/stopped: 5 episodes in a row failed on infrastructure; last: .*no choices/);
      expect(server.requests).toHaveLength(5);
    } finally {
      await server.close();
    }
  });

  it("a SPARQL endpoint that fails is no result either: the episodes wait for the re-run", async () => {
    const endpoint = createServer((_req, res) => res.writeHead(503).end("maintenance"));
    await new Promise<void>((resolve) => endpoint.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/sparql`;
      const out = join(dir, "sparql-down");
      const kgTasks = fileURLToPath(
        new URL("../../test/fixtures/knowledgegraph/sample.json", import.meta.url),
      );
      const { code, stderr } = await agenttune(
        "eval",
        "--env",
        "kg",
        "--tasks",
        kgTasks,
        "--model",
        "oracle",
        "--backend",
        url,
        "--out",
        out,
      );
      expect(code).toBe(3);
      expect(stderr).toMatch(/run incomplete \(\d+ episodes left: .*HTTP 503/);
      expect(readLines(join(out, "results.jsonl"))).toEqual([]);
      expect(readLines(join(out, "errors.jsonl"))[0]).toMatchObject({ source: "env" });
    } finally {
      endpoint.close();
    }
  });

  it("a 1 MB reply is stored once and cut, not three times over", async () => {
    const answer = `Action: Answer\nFinal Answer: ["${"x".repeat(1_000_000)}"]`;
    const script = join(dir, "verbose.jsonl");
    writeFileSync(script, `${JSON.stringify({ taskId: "0", replies: [answer] })}\n`);
    const out = join(dir, "verbose");
    const { code } = await evalDb(`scripted:${script}`, out, "--limit", "1");
    expect(code).toBe(0);
    const line = readFileSync(join(out, "results.jsonl"), "utf8");
    // the reply (64 KiB) and the env's echo of its answer in info (64 KiB): 2.1 MB before the cap
    expect(line.length).toBeLessThan(140_000);
    expect(JSON.parse(line).messages.at(-1)).toMatchObject({ length: answer.length });
  });

  it("refuses a re-run with another task selection, and --force-new starts over", async () => {
    const out = join(dir, "identity");
    expect((await evalDb("oracle", out, "--limit", "2")).code).toBe(0);
    const changed = await evalDb("oracle", out, "--limit", "3");
    expect(changed.code).toBe(1);
    expect(changed.stderr).toMatch(
      /other settings \(limit 2 → 3\); use another --out, or --force-new to start over/,
    );
    const fresh = await evalDb("oracle", out, "--limit", "3", "--force-new");
    expect(fresh.code).toBe(0);
    expect(JSON.parse(readFileSync(join(out, "summary.json"), "utf8")).tasks).toBe(3);
  });

  it("Ctrl-C stops cleanly: finished episodes kept, summary written, the re-run resumes", async () => {
    const server = await startMockOpenAIServer({
      delayMs: 150,
      reply: () => 'x\nAction: Answer\nFinal Answer: ["4"]',
    });
    try {
      const out = join(dir, "interrupted");
      const args = [
        "--import",
        "tsx",
        cliMain,
        "eval",
        "--env",
        "db",
        "--tasks",
        fixture,
        "--concurrency",
        "1",
      ];
      const child = spawn(process.execPath, [...args, "--model", `${server.baseURL}#m`, "--out", out], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      let sent = false;
      child.stderr.on("data", (chunk) => {
        stderr += chunk;
        if (!sent && /2\/8 episodes/.test(stderr)) {
          sent = true;
          child.kill("SIGINT");
        }
      });
      const code = await new Promise((resolve) => child.once("exit", resolve));
      expect(code).toBe(130);
      const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
      expect(summary.complete).toBe(false);
      const done = readFileSync(join(out, "results.jsonl"), "utf8").trim().split("\n").length;
      expect(done).toBeGreaterThanOrEqual(2);
      expect(done).toBeLessThan(8);
      const again = await agenttune(
        "eval",
        "--env",
        "db",
        "--tasks",
        fixture,
        "--model",
        `${server.baseURL}#m`,
        "--out",
        out,
      );
      expect(again.code).toBe(0);
      expect(again.stderr).toContain(`(${done} resumed)`);
      expect(JSON.parse(readFileSync(join(out, "summary.json"), "utf8"))).toMatchObject({
        tasks: 8,
        complete: true,
      });
    } finally {
      await server.close();
    }
  });

  it.each([
    [
      ["--env", "nope"],
      /^agenttune: unknown env "nope": known envs are alfworld, cardgame, db, gsm8k, hotpotqa, humaneval, kg, mind2web, miniwob, mmlu, mtbench, os, rewoo, sciworld, webarena, webshop\n$/,
    ],
    [["--model", "gpt4"], /^agenttune: unknown model spec "gpt4"/],
    [
      ["--env", "kg"],
      /^agenttune: .*dbbench-sample\.jsonl.* \(this looks like a task file of --env db, not --env kg\)\n$/,
    ],
    [["--tasks", "BAD"], /^agenttune: .*bad\.jsonl:2: invalid JSON/],
    [["--tasks", "SCHEMA"], /^agenttune: .*schema\.jsonl:1: table\.table_info\.columns:/],
    [
      ["--backend", "postgres://x"],
      /^agenttune: --backend "postgres:\/\/x": expected sqlite, sqlite-worker, mariadb or a mysql/,
    ],
  ])("gives one clear line for bad input %s", async (override, message) => {
    const bad = join(dir, "bad.jsonl");
    writeFileSync(bad, `${readFileSync(fixture, "utf8").split("\n")[0]}\n{"description": oops\n`);
    const schema = join(dir, "schema.jsonl");
    writeFileSync(
      schema,
      '{"description":"q","type":["other"],"table":{"table_name":"t","table_info":{"columns":[],"rows":[]}}}\n',
    );
    const args: Record<string, string> = {
      "--env": "db",
      "--tasks": fixture,
      "--model": "oracle",
      "--out": join(dir, "bad-out"),
    };
    const [flag, value] = override as [string, string];
    args[flag] = value === "BAD" ? bad : value === "SCHEMA" ? schema : value;
    const { code, stderr } = await agenttune("eval", ...Object.entries(args).flat());
    expect(code).toBe(1);
    expect(stderr).toMatch(message);
  });

  it.each([
    [["eval", "--env", "db", "--modle", "oracle"], "--modle", "--model"],
    [["tasks", "generate", "--env", "db", "--cuont", "3", "--out", "x.jsonl"], "--cuont", "--count"],
    [["mix", "--agent", "a.jsonl", "--etta=0.2"], "--etta", "--eta"],
    [["pipeline", "--confg", "agenttune.yaml"], "--confg", "--config"],
    [["report", "--runs", "x"], "--runs", undefined],
  ])("names a flag typo %j before any missing required option", async (args, typo, near) => {
    const { code, stdout, stderr } = await agenttune(...(args as string[]));
    expect(code).toBe(1);
    expect(stdout).toBe("");
    const hint = near ? `\n(Did you mean ${near}?)` : "";
    expect(stderr).toBe(`error: unknown option '${typo}'${hint}\n(run with --help for usage)\n`);
  });

  it.each([
    ["filter", "--in", "TEXT", "--out", "OUT"],
    ["export", "--in", "TEXT", "--target", "llamafactory", "--out", "OUT"],
    ["mix", "--agent", "TEXT", "--general", "TEXT", "--eta", "0.2", "--out", "OUT"],
  ])("a text file given as data to %s fails in one line naming its line", async (...args) => {
    const text = join(dir, "notes.txt");
    writeFileSync(text, "not json\n");
    const argv = args.map((a) =>
      a === "TEXT" ? text : a === "OUT" ? join(dir, "text-out", args[0] ?? "") : a,
    );
    const { code, stderr } = await agenttune(...argv);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^agenttune: .*notes\.txt:1: invalid JSON: [^\n]*\n$/);
  });

  it("names an unknown --env before asking for --tasks (some envs need none)", async () => {
    const { code, stderr } = await agenttune(
      "eval",
      "--env",
      "cardgme",
      "--model",
      "oracle",
      "--out",
      join(dir, "typo"),
    );
    expect(code).toBe(1);
    expect(stderr).toMatch(/^agenttune: unknown env "cardgme": known envs are alfworld, cardgame, /);
  });

  it.each([
    [
      ["--suite", "held-in", "--limit", "3"],
      /^error: option '--limit <n>' cannot be used with option '--suite <suite>'/,
    ],
    [
      ["--env", "alfworld", "--tasks", alfworldFixture, "--backend", "sqlite"],
      /^agenttune: --backend sqlite: alfworld has one built-in backend/,
    ],
    [
      ["--env", "mind2web", "--tasks", mind2webFixture, "--round-limit", "3"],
      /^agenttune: --round-limit 3: mind2web episodes have one turn per step/,
    ],
  ])("refuses flags the mode would ignore: %s", async (flags, message) => {
    const { code, stderr } = await agenttune(
      "eval",
      ...flags,
      "--model",
      "oracle",
      "--out",
      join(dir, "ignored"),
    );
    expect(code).toBe(1);
    expect(stderr).toMatch(message);
  });

  it("generates verified tasks", async () => {
    const out = join(dir, "gen.jsonl");
    const { code, stdout } = await agenttune(
      "tasks",
      "generate",
      "--env",
      "db",
      "--count",
      "12",
      "--out",
      out,
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^db: \d+ generated, 12 verified, \d+ duplicates, \d+ near-duplicates, 0 unverified/,
    );
    expect(readFileSync(out, "utf8").trim().split("\n")).toHaveLength(12);
  });

  it("quickstart runs the chain into a fresh folder", async () => {
    const out = join(dir, "quickstart");
    const { code, stdout } = await agenttune("quickstart", "--out", out);
    expect(code).toBe(0);
    expect(stdout).toMatch(/db\s+oracle\s+sqlite\s+22\s+100\.0%/);
    expect(readFileSync(join(out, "results.txt"), "utf8")).toContain("scripted:");
    expect(stdout).toContain(`Report: ${join(out, "report.html")}`);
    expect(readFileSync(join(out, "report.html"), "utf8")).toContain("<svg");
  });
});
