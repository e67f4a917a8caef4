// A dataset from the data factory through mix → template → mask → Parquet → LLaMA-Factory and OpenAI
// exports → train --dry-run, as a user runs the commands.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parquetReadObjects } from "hyparquet";
import { describe, expect, it } from "vitest";
import { byteLevelBpeTokenizer, writeTokenizerDir } from "../tune/test-helpers/tiny-tokenizers.js";
import { loadTokenizer } from "../tune/tokenizer.js";
import { agenttune } from "./test-helpers/run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "tune-cli-"));

describe("tune commands", () => {
  it("data factory → mix → tokenize (Parquet) → LLaMA-Factory and OpenAI exports → train --dry-run", async () => {
    const config = join(dir, "pipeline.yaml");
    writeFileSync(config, `out: ${join(dir, "data")}\nenvs:\n  db:\n    count: 10\n`);
    expect((await agenttune("pipeline", "--config", config)).code).toBe(0);

    const mix = await agenttune(
      "mix",
      "--agent",
      join(dir, "data", "agentinstruct"),
      "--eta",
      "0.2",
      "--out",
      join(dir, "mix"),
    );
    expect(mix.stdout).toMatch(/^10 agent \+ 40 general = 50 examples, agent share 20\.0% by examples/);

    const tokenizerDir = writeTokenizerDir(join(dir, "tokenizer"), byteLevelBpeTokenizer());
    const parquet = join(dir, "train.parquet");
    const tokenized = await agenttune(
      "tokenize",
      "--in",
      join(dir, "mix"),
      "--tokenizer",
      tokenizerDir,
      "--template",
      "chatml",
      "--loss",
      "per-turn",
      "--max-length",
      "2048",
      "--out",
      parquet,
    );
    expect(tokenized.code).toBe(0);
    expect(tokenized.stdout).toMatch(/^50 examples \(\d+ truncated, 0 dropped\), \d+ tokens, \d+ trained/);
    const bytes = readFileSync(parquet);
    const rows = await parquetReadObjects({
      file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
    });
    expect(rows).toHaveLength(50);
    // the canned "Ok." of agent conversations is not trained under per-turn: no trained run decodes to it
    const tokenizer = loadTokenizer(tokenizerDir);
    const trainedText = rows.map((r) =>
      tokenizer.decode(
        (r.input_ids as number[]).filter((_, i) => (r.labels as number[])[i] !== -100),
        { skipSpecialTokens: true },
      ),
    );
    expect(trainedText.filter((t) => t.startsWith("Ok."))).toEqual([]);
    expect(trainedText.some((t) => t.includes("Action: Answer"))).toBe(true);
    const stats = JSON.parse(readFileSync(join(dir, "train.stats.json"), "utf8"));
    expect(stats).toMatchObject({ examples: 50, template: "chatml", policy: "per-turn" });
    expect(stats.trainedTokens / stats.tokens).toBeGreaterThan(0);

    const refused = await agenttune(
      "export",
      "--in",
      join(dir, "mix"),
      "--target",
      "llamafactory",
      "--out",
      join(dir, "lf"),
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/cannot express --loss per-turn.*--tokenizer DIR/);
    // with the model's tokenizer it can: a pre-tokenized dataset, which --check reads back
    const exact = await agenttune(
      "export",
      "--in",
      join(dir, "mix"),
      "--target",
      "llamafactory",
      "--template",
      "chatml",
      "--tokenizer",
      tokenizerDir,
      "--out",
      join(dir, "lf-exact"),
    );
    expect(exact.code, exact.stderr).toBe(0);
    expect(JSON.parse(exact.stdout).policyNote).toMatch(/^per-turn → exact labels/);
    const check = await agenttune("export", "--check", join(dir, "lf-exact"));
    expect(check.stdout).toMatch(/^llamafactory: 50 examples, \d+ trained turns: ok/);
    expect(check.code).toBe(0);
    const lf = await agenttune(
      "export",
      "--in",
      join(dir, "mix"),
      "--target",
      "llamafactory",
      "--loss",
      "all-assistant",
      "--out",
      join(dir, "lf"),
    );
    expect(JSON.parse(lf.stdout)).toMatchObject({ examples: 50 });
    const openai = await agenttune(
      "export",
      "--in",
      join(dir, "mix"),
      "--target",
      "openai",
      "--out",
      join(dir, "openai"),
    );
    expect(JSON.parse(openai.stdout)).toMatchObject({ examples: 50, skipped: 0 });

    const dry = await agenttune(
      "train",
      "--engine",
      "llamafactory",
      "--config",
      join(dir, "lf", "train.yaml"),
      "--dry-run",
    );
    expect(dry.stdout.trim()).toBe(`llamafactory-cli train ${join(dir, "lf", "train.yaml")}`);
  });
});
