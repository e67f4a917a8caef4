import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ModelError } from "../core/index.js";
import { LlamaModel, toChatHistory } from "./llama-model.js";
import { parseModel } from "./parse-model.js";
import { writeTinyGguf } from "./test-helpers/tiny-gguf.js";

const dir = mkdtempSync(join(tmpdir(), "gguf-"));
const models: LlamaModel[] = [];
afterAll(async () => {
  for (const model of models) await model.close();
});

describe("LlamaModel", () => {
  it("loads a GGUF and generates on CPU, counting tokens", async () => {
    const path = join(dir, "tiny.gguf");
    writeTinyGguf(path);
    expect((await parseModel(`gguf:${path}`)).id).toBe(`gguf:${path}`);
    const model = new LlamaModel({ modelPath: path, threads: 1 });
    models.push(model);
    const messages = [
      { role: "user" as const, content: "instructions" },
      { role: "assistant" as const, content: "Ok." },
      { role: "user" as const, content: "the task" },
    ];
    const first = await model.complete(messages, { maxTokens: 6, temperature: 0 });
    expect(typeof first.text).toBe("string");
    expect(first.usage?.promptTokens).toBeGreaterThan(0);
    expect(first.usage?.completionTokens).toBeLessThanOrEqual(8);
    // greedy decoding is deterministic, also when requests queue up
    const [a, b] = await Promise.all([
      model.complete(messages, { maxTokens: 6, temperature: 0 }),
      model.complete(messages, { maxTokens: 6, temperature: 0 }),
    ]);
    expect(a.text).toBe(first.text);
    expect(b.text).toBe(first.text);
    // raw text, no chat template (BOLAA's HotpotQA prompt): deterministic too, within its token budget
    const raw = await model.completeText("Question: q\nThought 1:", { maxTokens: 5, temperature: 0 });
    expect(raw.usage?.promptTokens).toBeGreaterThan(0);
    expect(raw.usage?.completionTokens).toBeLessThanOrEqual(5);
    expect((await model.completeText("Question: q\nThought 1:", { maxTokens: 5, temperature: 0 })).text).toBe(
      raw.text,
    );
    // the next-token distribution (MMLU's logits): the greedy token is the likeliest of the top 5
    const next = await model.completeText("Question: q\nAnswer:", { topLogprobs: 5 });
    const top = Object.entries(next.firstTokenLogprobs ?? {});
    expect(top.length).toBeGreaterThan(0);
    expect(top.length).toBeLessThanOrEqual(5);
    for (const [, logprob] of top) expect(logprob).toBeLessThanOrEqual(0);
    expect(next.firstTokenLogprobs?.[next.text]).toBe(Math.max(...top.map(([, l]) => l)));
  });

  it("takes tools through node-llama-cpp's function calling, its history holding earlier calls and results", async () => {
    const messages = [
      { role: "system" as const, content: "You run SQL." },
      { role: "user" as const, content: "How many rows?" },
      {
        role: "assistant" as const,
        content: "Let me count.",
        toolCalls: [{ id: "c1", name: "execute_sql", arguments: '{"query":"SELECT COUNT(*) FROM t"}' }],
      },
      { role: "tool" as const, toolCallId: "c1", content: "[(3,)]" },
    ];
    expect(toChatHistory(messages)).toEqual([
      { type: "system", text: "You run SQL." },
      { type: "user", text: "How many rows?" },
      {
        type: "model",
        response: [
          "Let me count.",
          {
            type: "functionCall",
            name: "execute_sql",
            params: { query: "SELECT COUNT(*) FROM t" },
            result: "[(3,)]",
            startsNewChunk: true,
          },
        ],
      },
    ]);
    // after a user turn, a new model response starts
    expect(toChatHistory(messages.slice(0, 2)).at(-1)).toEqual({ type: "model", response: [] });
    const path = join(dir, "tools.gguf");
    writeTinyGguf(path);
    const model = new LlamaModel({ modelPath: path, threads: 1 });
    models.push(model);
    const tools = [
      {
        name: "execute_sql",
        description: "Run SQL.",
        parameters: {
          type: "object",
          properties: { query: { type: "string", description: "SQL" } },
          required: ["query"],
          additionalProperties: false,
        },
      },
    ];
    // a random tiny model may or may not call: either way the reply is well-formed
    const reply = await model.complete(messages, { maxTokens: 8, temperature: 0, tools });
    expect(typeof reply.text).toBe("string");
    for (const call of reply.toolCalls ?? []) {
      expect(call.name).toBe("execute_sql");
      expect(typeof JSON.parse(call.arguments)).toBe("object");
    }
    expect(reply.usage?.completionTokens).toBeLessThanOrEqual(9);
  });

  it("refuses a vocabulary llama.cpp would abort on, with a clear error", async () => {
    const path = join(dir, "no-bytes.gguf");
    writeTinyGguf(path, { omitByteTokens: true });
    const model = new LlamaModel({ modelPath: path });
    models.push(model);
    const error = await model.complete([{ role: "user", content: "hi" }]).catch((e) => e);
    expect(ModelError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/cannot load model: tokenizer\.ggml\.tokens: .*byte tokens/);
  });
});

describe("LlamaModel in an evaluation", () => {
  it("runs db episodes end to end; its random replies are labelled, not crashed on", async () => {
    const { runEval } = await import("../eval/index.js");
    const path = join(dir, "eval.gguf");
    writeTinyGguf(path, { seed: 5 });
    const summary = await runEval({
      env: "db",
      tasks: new URL("../../test/fixtures/dbbench-sample.jsonl", import.meta.url).pathname,
      model: new LlamaModel({ modelPath: path, threads: 1 }),
      out: join(dir, "eval-out"),
      limit: 2,
      progress: false,
    });
    expect(summary).toMatchObject({ tasks: 2, successRate: 0, failures: { invalid_format: 2 } });
  });
});
