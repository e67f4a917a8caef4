import { getEventListeners } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import { startBodyServer } from "../../test/helpers/body-server.js";
import { ModelError } from "../core/index.js";
import { OpenAICompatibleModel } from "./openai-compatible-model.js";
import { parseModel } from "./parse-model.js";
import { type MockOpenAIServer, startMockOpenAIServer } from "./test-helpers/mock-openai-server.js";

let server: MockOpenAIServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const user = [{ role: "user" as const, content: "hello there" }];

describe("OpenAICompatibleModel", () => {
  it("leaves no listener on the run's abort signal, however many requests it makes", async () => {
    server = await startMockOpenAIServer();
    const model = new OpenAICompatibleModel({ baseURL: server.baseURL, model: "tiny" });
    const run = new AbortController();
    for (let i = 0; i < 12; i++) await model.complete(user, { signal: run.signal });
    // 11 leaked listeners made Node print MaxListenersExceededWarning on every 11-episode eval
    expect(getEventListeners(run.signal, "abort")).toHaveLength(0);
    run.abort();
    await expect(model.complete(user, { signal: run.signal })).rejects.toThrow(ModelError);
  });

  it("sends the conversation and options over HTTP and counts usage", async () => {
    server = await startMockOpenAIServer({ reply: (req) => `echo ${req.messages.at(-1)?.content}` });
    const model = new OpenAICompatibleModel({ baseURL: server.baseURL, model: "tiny" });
    const out = await model.complete(user, { maxTokens: 128, temperature: 0, stop: ["\nObservation:"] });
    expect(out.text).toBe("echo hello there");
    expect(out.usage).toEqual({ promptTokens: 2, completionTokens: 3 });
    await model.complete(user);
    expect(model.usage).toEqual({ promptTokens: 4, completionTokens: 6 });
    expect(server.requests[0]).toMatchObject({
      model: "tiny",
      max_tokens: 128,
      temperature: 0,
      stop: ["\nObservation:"],
    });
  });

  it("continues a raw text prompt through /v1/completions when the server has it (self-hosted specs)", async () => {
    server = await startMockOpenAIServer({ reply: (r) => (r.prompt ? "raw reply" : "chat reply") });
    const model = new OpenAICompatibleModel({
      baseURL: server.baseURL,
      model: "tiny",
      textCompletions: true,
    });
    const completion = await model.completeText?.("Question: q\nThought 1:", {
      stop: ["\n"],
      maxTokens: 256,
    });
    expect(completion?.text).toBe("raw reply");
    expect(server.requests[0]).toMatchObject({
      prompt: "Question: q\nThought 1:",
      stop: ["\n"],
      max_tokens: 256,
    });
    expect(model.usage.completionTokens).toBe(2);
    // OpenAI's chat models have no completions endpoint: no raw mode, the env sends a user turn
    expect(new OpenAICompatibleModel({ baseURL: server.baseURL, model: "gpt" }).completeText).toBeUndefined();
    expect((await parseModel(`${server.baseURL}#tiny`)).completeText).toBeDefined();
    expect((await parseModel("openai:gpt-4o", { env: {} })).completeText).toBeUndefined();
  });

  it("returns the first token's alternatives from both endpoints' logprobs shapes when asked", async () => {
    server = await startMockOpenAIServer({
      reply: () => " B",
      firstTokenLogprobs: () => ({ " B": -0.3, " A": -1.5 }),
    });
    const model = new OpenAICompatibleModel({
      baseURL: server.baseURL,
      model: "tiny",
      textCompletions: true,
    });
    const chat = await model.complete(user, { topLogprobs: 2, maxTokens: 1 });
    expect(chat.firstTokenLogprobs).toEqual({ " B": -0.3, " A": -1.5 });
    expect(server.requests[0]).toMatchObject({ logprobs: true, top_logprobs: 2 });
    const raw = await model.completeText?.("Answer:", { topLogprobs: 2, maxTokens: 1 });
    expect(raw?.firstTokenLogprobs).toEqual({ " B": -0.3, " A": -1.5 });
    expect(server.requests[1]).toMatchObject({ logprobs: 2 });
    // not asked: not requested, not returned
    expect((await model.complete(user)).firstTokenLogprobs).toBeUndefined();
    expect(server.requests[2]?.logprobs).toBeUndefined();
  });

  it("retries 429 and 5xx answers, then succeeds", async () => {
    server = await startMockOpenAIServer({ failFirst: { count: 2, status: 503 }, reply: () => "fine" });
    const model = new OpenAICompatibleModel({ baseURL: server.baseURL, model: "m", maxRetries: 3 });
    expect((await model.complete(user)).text).toBe("fine");
    expect(server.requests).toHaveLength(3);
  });

  it("gives up after its retries with a ModelError naming the status", async () => {
    server = await startMockOpenAIServer({ failFirst: { count: 10, status: 429 } });
    const model = new OpenAICompatibleModel({ baseURL: server.baseURL, model: "m", maxRetries: 1 });
    const error = await model.complete(user).catch((e) => e);
    expect(ModelError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/HTTP 429/);
    expect(error.status).toBe(429);
    expect(server.requests).toHaveLength(2);
  });

  it("times out a server that does not answer", async () => {
    server = await startMockOpenAIServer({ delayMs: 2_000 });
    const model = new OpenAICompatibleModel({
      baseURL: server.baseURL,
      model: "m",
      timeoutMs: 150,
      maxRetries: 0,
    });
    await expect(model.complete(user)).rejects.toThrow(/timed out/);
  });

  it("reports an unreachable server clearly", async () => {
    const closed = await startMockOpenAIServer();
    const baseURL = closed.baseURL;
    await closed.close(); // nothing listens on that port now
    const model = new OpenAICompatibleModel({ baseURL, model: "m", maxRetries: 0 });
    await expect(model.complete(user)).rejects.toThrow(/cannot reach server \(ECONNREFUSED\)/);
  });
});

/** The start of a chat completion whose content then never ends (or is a trickle, or declared huge). */
const replyStart = '{"choices":[{"message":{"role":"assistant","content":"';

describe("OpenAICompatibleModel against a hostile server", () => {
  let hostile: Awaited<ReturnType<typeof startBodyServer>> | undefined;
  afterEach(async () => {
    await hostile?.close();
    hostile = undefined;
  });
  const at = (h: { url: string }) => `${h.url}v1`;

  it("stops reading a body that grows past 32 MiB, names the limit, and the server sees the connection closed", async () => {
    hostile = await startBodyServer({ prefix: replyStart });
    const model = new OpenAICompatibleModel({ baseURL: at(hostile), model: "m", maxRetries: 0 });
    const error = await model.complete(user).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ModelError);
    expect((error as Error).message).toMatch(/response body over 32 MiB .*AGENTTUNE_MAX_RESPONSE_BYTES/);
    await hostile.closed; // agenttune hung up: the server cannot push more
    // what was written: the 32 MiB read plus what sockets and stream queues held (a few MiB)
    expect(hostile.written()).toBeLessThan(48 * 1024 * 1024);
  }, 60_000);

  it("refuses a declared Content-Length over the limit before reading, and does not retry it", async () => {
    hostile = await startBodyServer({ prefix: replyStart, declaredLength: 1.5 * 1024 ** 3 });
    const model = new OpenAICompatibleModel({ baseURL: at(hostile), model: "m", maxResponseBytes: 1 << 20 });
    await expect(model.complete(user)).rejects.toThrow(/response body over 1 MiB/);
    await hostile.closed;
    expect(hostile.requests()).toBe(1);
  }, 60_000);

  it("ends an endless trickle of a body at the request's timeout", async () => {
    hostile = await startBodyServer({ prefix: replyStart, trickle: true });
    const model = new OpenAICompatibleModel({
      baseURL: at(hostile),
      model: "m",
      maxRetries: 0,
      timeoutMs: 1_000,
    });
    await expect(model.complete(user)).rejects.toThrow(/response body not finished within 1000 ms/);
    await hostile.closed;
  }, 60_000);
});
