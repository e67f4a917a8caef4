import { describe, expect, it } from "vitest";
import { ModelError } from "../core/index.js";
import type { ChatModel } from "../models/index.js";
import { oracleModel } from "./oracle-model.js";
import { runEpisode } from "./run-episode.js";
import { type EchoTask, echoSpec } from "./test-env.js";

const backend = await echoSpec.open();
const task: EchoTask = { id: "t1", secret: "owl" };
const replies = (...texts: (string | Error)[]): ChatModel => {
  let i = 0;
  return {
    id: "test",
    complete: async () => {
      const next = texts[i++] ?? "";
      if (next instanceof Error) throw next;
      return { text: next, usage: { promptTokens: 10, completionTokens: 2 } };
    },
  };
};
const run = (model: ChatModel, t = task, extra = {}) =>
  runEpisode({ spec: echoSpec, backend, task: t, model, ...extra });

describe("runEpisode", () => {
  it("records a successful episode with its whole conversation and usage", async () => {
    const result = await run(replies("look", "guess: owl"));
    expect(result).toMatchObject({ id: "echo/t1/0", success: true, reward: 1, turns: 2, model: "test" });
    expect(result.failure).toBeUndefined();
    expect(result.messages.map((m) => m.role)).toEqual([
      "user",
      "assistant",
      "user",
      "assistant",
      "user",
      "assistant",
    ]);
    expect(result.messages[4]?.content).toBe("the secret has 3 letters");
    expect(result.usage).toEqual({ promptTokens: 20, completionTokens: 4 });
  });

  it("labels every kind of failure", async () => {
    expect((await run(replies("guess: cat"))).failure).toBe("wrong_answer");
    expect((await run(replies("what?"))).failure).toBe("invalid_format");
    expect((await run(replies("look", "look", "look", "look"))).failure).toBe("round_limit");
    expect((await run(replies(new ModelError("HTTP 500")))).failure).toBe("model_error");
    expect((await run(replies(new ModelError("too long", { contextLimit: true })))).failure).toBe(
      "context_limit",
    );
    expect((await run(replies("crash"))).failure).toBe("env_error");
    const down = await run(replies("guess: x"), { id: "t2", secret: "broken-env" });
    expect(down).toMatchObject({ failure: "env_error", error: "backend down", turns: 0 });
  });

  it("truncates history to the prompt budget, keeping the protocol prefix", async () => {
    const seen: number[] = [];
    const model: ChatModel = {
      id: "m",
      complete: async (messages) => {
        seen.push(messages.length);
        return { text: seen.length < 4 ? "look" : "guess: owl" };
      },
    };
    const result = await run(model, task, { history: { maxPromptTokens: 5, estimateTokens: () => 1 } });
    expect(result.success).toBe(true);
    expect(seen).toEqual([3, 5, 5, 5]);
    expect(result.messages).toHaveLength(3 + 2 * 3 + 1); // the trajectory keeps everything
  });

  it("ends with context_limit when even the prefix does not fit", async () => {
    const result = await run(replies("guess: owl"), task, {
      history: { maxPromptTokens: 2, estimateTokens: () => 1 },
    });
    expect(result.failure).toBe("context_limit");
  });

  it("serves the env's oracle as a model", async () => {
    expect((await run(oracleModel(echoSpec))).success).toBe(true);
  });
});
