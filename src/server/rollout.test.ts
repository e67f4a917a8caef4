// Rollouts for a user's own RL loop: a group of episodes per task from an OpenAI-compatible server
// that reports its sampled tokens as vLLM does ("token_id:<id>" logprobs), checked against the tune
// layer's tokenization of the same episodes (the ids and loss mask training would use).
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readRecords, trajectorySchema } from "../core/index.js";
import { parseModel } from "../models/index.js";
import { type MockOpenAIServer, startMockOpenAIServer } from "../models/test-helpers/mock-openai-server.js";
import { ignoreIndex, loadChatTemplate, loadTokenizer, tokenizeConversation } from "../tune/index.js";
import {
  byteLevelBpeTokenizer,
  roleTagChatTemplate,
  writeTokenizerDir,
} from "../tune/test-helpers/tiny-tokenizers.js";
import { collectRollouts, groupAdvantages } from "./rollout.js";

const dir = mkdtempSync(join(tmpdir(), "rollout-"));
const tokenizerDir = writeTokenizerDir(join(dir, "tok"), byteLevelBpeTokenizer(), {
  chat_template: roleTagChatTemplate,
});
const tokenizer = loadTokenizer(tokenizerDir);
const chatTemplate = loadChatTemplate(tokenizerDir);

// two dbbench tasks; per task the model first runs a query, then answers: right on its even answers
const lines = readFileSync(resolve("test/fixtures/dbbench-sample.jsonl"), "utf8")
  .trim()
  .split("\n")
  .slice(0, 2);
const tasks = lines.map((l) => JSON.parse(l) as { description: string; label: string[] });
const tasksFile = join(dir, "db.jsonl");
writeFileSync(tasksFile, `${lines.join("\n")}\n`);

function scriptedServer(sampled: (text: string) => number[]) {
  const answers = new Map<number, number>();
  return startMockOpenAIServer({
    reply: (request) => {
      const task = tasks.findIndex((t) => request.messages.some((m) => m.content.includes(t.description)));
      if (
        request.messages.at(-1)?.role === "user" &&
        !request.messages.some((m) => m.content.includes("[(1,)]"))
      )
        return "Action: Operation\n```sql\nSELECT 1\n```";
      const k = answers.get(task) ?? 0;
      answers.set(task, k + 1);
      const answer = k % 2 === 0 ? (tasks[task]?.label ?? []) : ["surely wrong"];
      return `Action: Answer\nFinal Answer: ${JSON.stringify(answer)}`;
    },
    sampledTokens: (text) => {
      const ids = sampled(text);
      return { ids, logprobs: ids.map(() => -0.25) };
    },
  });
}

describe("agenttune rollout", () => {
  let server: MockOpenAIServer;
  beforeAll(async () => {
    server = await scriptedServer((text) => tokenizer.encode(text));
  });
  afterAll(() => server.close());

  it("writes prompt/completion ids, env_mask and logprobs equal to the tune layer's tokenization, and GRPO advantages", async () => {
    const out = join(dir, "run");
    const { rollouts } = await collectRollouts({
      env: "db",
      tasksFile,
      model: await parseModel(`${server.baseURL}#policy`),
      group: 2,
      out,
      template: chatTemplate,
      tokenizer,
      concurrency: 1,
    });
    expect(server.requests.every((r) => r.logprobs === true && r.return_tokens_as_token_ids === true)).toBe(
      true,
    );
    expect(rollouts).toHaveLength(4);
    const trajectories = (await readRecords(join(out, "results.jsonl"), trajectorySchema)).map(
      (r) => r.value,
    );
    for (const rollout of rollouts) {
      const trajectory = trajectories.find((t) => t.id === rollout.id);
      if (!trajectory) throw new Error(`no trajectory ${rollout.id}`);
      expect(rollout.reward).toBe(trajectory.reward);
      expect(rollout.reward).toBe(rollout.sample === 0 ? 1 : 0);
      expect(rollout.advantage).toBe(rollout.sample === 0 ? 0.5 : -0.5);
      // the same ids and mask as training would use
      const { example } = tokenizeConversation(
        { id: trajectory.id, source: "agent", messages: trajectory.messages },
        { template: chatTemplate, tokenizer },
      );
      expect([...rollout.prompt_ids, ...rollout.completion_ids]).toEqual(example?.input_ids);
      const labels = example?.labels.slice(rollout.prompt_ids.length) ?? [];
      expect(rollout.env_mask).toEqual(labels.map((l) => (l === ignoreIndex ? 0 : 1)));
      // the server's logprobs sit on the model's own sampled tokens, and only there
      const modelTurns = trajectory.messages.filter((m) => m.role === "assistant" && m.loss !== false);
      const sampledCount = modelTurns.reduce((n, m) => n + tokenizer.encode(m.content).length, 0);
      expect(rollout.logprobs.filter((l) => l === -0.25)).toHaveLength(sampledCount);
      expect(rollout.logprobs.every((l, i) => l === null || rollout.env_mask[i] === 1)).toBe(true);
      expect(rollout.token_exact).toBe(true);
      expect(modelTurns).toHaveLength(2);
    }
    const written = readFileSync(join(out, "rollouts.jsonl"), "utf8").trim().split("\n");
    expect(written.map((l) => JSON.parse(l).id).sort()).toEqual(rollouts.map((r) => r.id).sort());
  });

  it("flags a turn whose sampled ids are not the template's tokens and leaves its logprobs null", async () => {
    const drifting = await scriptedServer((text) => [...tokenizer.encode(text)].reverse());
    try {
      const { rollouts } = await collectRollouts({
        env: "db",
        tasksFile,
        model: await parseModel(`${drifting.baseURL}#policy`),
        group: 1,
        out: join(dir, "drift"),
        template: chatTemplate,
        tokenizer,
      });
      for (const r of rollouts) {
        expect(r.token_exact).toBe(false);
        expect(r.logprobs.every((l) => l === null)).toBe(true);
      }
    } finally {
      await drifting.close();
    }
  });

  it("computes GRPO advantages: reward minus the group mean, optionally over its std", () => {
    expect(groupAdvantages([1, 0, 0, 1])).toEqual([0.5, -0.5, -0.5, 0.5]);
    const scaled = groupAdvantages([1, 0], true);
    expect(scaled[0]).toBeCloseTo(1, 3);
    expect(scaled[1]).toBeCloseTo(-1, 3);
    expect(groupAdvantages([1, 1])).toEqual([0, 0]);
  });
});
