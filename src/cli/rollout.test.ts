// `agenttune rollout` as a user runs it: a group per task from an OpenAI-compatible server, the
// summary line, rollouts.jsonl; and a one-line error for a tokenizer that is not there.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { startMockOpenAIServer } from "../models/test-helpers/mock-openai-server.js";
import {
  byteLevelBpeTokenizer,
  roleTagChatTemplate,
  writeTokenizerDir,
} from "../tune/test-helpers/tiny-tokenizers.js";
import { agenttune } from "./test-helpers/run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "cli-rollout-"));
const tasks = join(dir, "db.jsonl");
writeFileSync(
  tasks,
  `${readFileSync(resolve("test/fixtures/dbbench-sample.jsonl"), "utf8").trim().split("\n").slice(0, 2).join("\n")}\n`,
);
const tokenizer = writeTokenizerDir(join(dir, "tok"), byteLevelBpeTokenizer(), {
  chat_template: roleTagChatTemplate,
});

/** `agenttune rollout` on the two tasks with these model, tokenizer and out flags, and any more. */
const rollout = (model: string, tokenizerDir: string, out: string, ...more: string[]) =>
  agenttune(
    "rollout",
    "--env",
    "db",
    "--tasks",
    tasks,
    "--model",
    model,
    "--tokenizer",
    tokenizerDir,
    "--out",
    out,
    ...more,
  );

describe("agenttune rollout", () => {
  it("writes a group of rollouts per task and says how many are token-exact", async () => {
    // a server without vLLM's token ids: the rollouts are written, none token-exact
    const server = await startMockOpenAIServer({ reply: () => 'Action: Answer\nFinal Answer: ["4"]' });
    try {
      const out = join(dir, "out");
      const run = await rollout(`${server.baseURL}#policy`, tokenizer, out, "--group", "3");
      expect(run.code, run.stderr).toBe(0);
      const line = /^6 rollouts, mean reward (\d\.\d{3}), 0 token-exact → /.exec(run.stdout);
      expect(line, run.stdout).not.toBeNull();
      const rollouts = readFileSync(join(out, "rollouts.jsonl"), "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      expect(rollouts).toHaveLength(6);
      for (const r of rollouts) expect(r.env_mask).toHaveLength(r.completion_ids.length);
      const mean = rollouts.reduce((a: number, r: { reward: number }) => a + r.reward, 0) / 6;
      expect(line?.[1]).toBe(mean.toFixed(3));
      expect(server.requests[0]).toMatchObject({
        logprobs: true,
        return_tokens_as_token_ids: true,
        temperature: 1,
      });
    } finally {
      await server.close();
    }
  });

  it("names a tokenizer that is not there in one line", async () => {
    const run = await rollout("http://127.0.0.1:9/v1#m", join(dir, "nowhere"), join(dir, "never"));
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toMatch(/--tokenizer ".*nowhere": .*tokenizer\.json not found/);
  });
  it("says the run is incomplete and exits 3 when the model server is down, keeping what it wrote", async () => {
    const out = join(dir, "down");
    const run = await rollout("http://127.0.0.1:9/v1#m", tokenizer, out, "--group", "2");
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/agenttune: run incomplete \(\d+ episodes left: .*cannot reach server/);
    expect(readFileSync(join(out, "errors.jsonl"), "utf8").length).toBeGreaterThan(0);
  });
});
