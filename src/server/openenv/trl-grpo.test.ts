// A real TRL GRPO run on agenttune's db env: GRPOTrainer (trl 1.13, CPU, a tiny random Llama) with
// environment_factory = the shipped python/agenttune_env class, against this server over /ws
// (test/reference/trl_grpo_env.py). TRL makes the class's methods tools (trl/trainer/grpo_trainer.py:
// 653-671), scores with get_reward() (673-694) and masks tool results out of the loss (_tool_call_loop:
// tool_mask 0 for tool-result tokens, 2185-2193; loss_mask = completion_mask * tool_mask, 2519).
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { backendAvailable } from "../../../test/helpers/backends.js";
import { getEnvSpec } from "../../envs/index.js";
import { byteLevelBpeTokenizer, writeTokenizerDir } from "../../tune/test-helpers/tiny-tokenizers.js";
import { serveOpenEnv } from "./server.js";
import { playOracleEpisode, TestClient } from "./test-client.js";

const python = process.env.AGENTTUNE_HF_PYTHON;
const available = backendAvailable(
  "a Python with trl, torch and websockets (AGENTTUNE_HF_PYTHON; see .ci/hf-python)",
  Boolean(python),
);

/** A tool call as Qwen3's template writes it, which TRL's qwen3 response template parses back. */
const qwenToolCall = (name: string, args: unknown) =>
  `<tool_call>\n${JSON.stringify({ name, arguments: args })}\n</tool_call>`;

interface TrlRecord {
  episode_id: string;
  reward: number;
  env_reward: number;
  masked_text: string;
  model_text: string;
  tool_results: string[];
}

describe.skipIf(!available)("TRL GRPOTrainer with agenttune_env's environment_factory", () => {
  it("runs optimizer steps on db; TRL's rewards are agenttune's, and tool results are masked", async () => {
    const dir = mkdtempSync(join(tmpdir(), "trl-grpo-"));
    const tasksFile = resolve("test/fixtures/dbbench-sample.jsonl");
    const out = join(dir, "server-out");
    const running = await serveOpenEnv({
      tasks: { dev: { env: "db", tasks: tasksFile, capacity: 4, limit: 2 } },
      port: 0,
      out,
    });
    try {
      // each task's script: the oracle's tool calls (reward 1), or a wrong answer at once (reward 0)
      const spec = getEnvSpec("db");
      const tasks: unknown[] = [];
      for await (const task of spec.loadTasks(tasksFile)) if (tasks.length < 2) tasks.push(task);
      const client = await TestClient.connect(running.url);
      const scripts = [];
      for (const [index, task] of tasks.entries()) {
        const opening = await client.observe("reset", { index });
        const { actions } = await playOracleEpisode(client, spec, task, { index });
        scripts.push({
          marker: opening.observation.text,
          solve: [
            ...actions.map((a) => qwenToolCall(String(a.tool_name), a.arguments)),
            "I have committed the answer.",
          ],
          fail: [qwenToolCall("commit_final_answer", { answers: ["agenttune: a wrong answer"] }), "Done."],
        });
      }
      await client.close();
      const warmup = running.server.sessionCount;
      expect(warmup).toBe(0);

      const tokenizerDir = writeTokenizerDir(join(dir, "tokenizer"), byteLevelBpeTokenizer());
      const specFile = join(dir, "spec.json");
      const resultFile = join(dir, "result.json");
      writeFileSync(
        specFile,
        JSON.stringify({
          base_url: running.url,
          tokenizer_dir: tokenizerDir,
          split: "dev",
          output_dir: join(dir, "trl-out"),
          max_steps: 3,
          scripts,
        }),
      );
      await promisify(execFile)(
        python as string,
        [resolve("test/reference/trl_grpo_env.py"), specFile, resultFile],
        {
          env: {
            ...process.env,
            PYTHONPATH: resolve("python/agenttune_env"),
            TOKENIZERS_PARALLELISM: "false",
          },
          timeout: 900_000,
          maxBuffer: 64 * 1024 * 1024,
        },
      );
      const result = JSON.parse(readFileSync(resultFile, "utf8")) as {
        global_step: number;
        losses: number[];
        records: TrlRecord[];
      };
      expect(result.global_step).toBeGreaterThanOrEqual(2);
      expect(result.losses.every(Number.isFinite)).toBe(true);
      expect(result.records.length).toBe(2 * result.global_step);

      // agenttune's own record of every episode TRL played (results.jsonl of the served split)
      const episodes = new Map(
        readFileSync(join(out, "dev", "results.jsonl"), "utf8")
          .trim()
          .split("\n")
          .map((line) => JSON.parse(line) as { id: string; reward: number })
          .map((t) => [t.id, t.reward]),
      );
      for (const record of result.records) {
        expect(episodes.has(record.episode_id), record.episode_id).toBe(true);
        expect(record.reward).toBe(episodes.get(record.episode_id));
        expect(record.env_reward).toBe(record.reward);
      }
      const rewards = result.records.map((r) => r.reward);
      expect(rewards).toContain(1);
      expect(rewards).toContain(0);

      // what the loss sees: the model's tool calls; what it does not: the env's tool results
      for (const record of result.records) {
        expect(record.model_text).toContain("<tool_call>");
        expect(record.model_text).not.toContain("<tool_response>");
        expect(record.masked_text).toContain("<tool_response>");
        for (const text of record.tool_results) {
          expect(record.masked_text).toContain(text);
          expect(record.model_text).not.toContain(text);
        }
      }
      expect(result.records.some((r) => r.tool_results.length > 0)).toBe(true);
    } finally {
      await running.close();
    }
  }, 960_000);
});
