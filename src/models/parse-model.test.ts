import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { OpenAICompatibleModel } from "./openai-compatible-model.js";
import { parseModel } from "./parse-model.js";

const dir = mkdtempSync(join(tmpdir(), "models-"));

describe("parseModel", () => {
  it("makes OpenAI-compatible models from openai: and URL specs", async () => {
    const a = await parseModel("openai:gpt-4o-mini", { env: { OPENAI_BASE_URL: "http://127.0.0.1:1/v1" } });
    expect(a).toBeInstanceOf(OpenAICompatibleModel);
    expect(a.id).toBe("http://127.0.0.1:1/v1#gpt-4o-mini");
    expect((await parseModel("http://127.0.0.1:8000/v1#agentlm")).id).toBe(
      "http://127.0.0.1:8000/v1#agentlm",
    );
  });

  it("explains a bad spec in one line", async () => {
    await expect(parseModel("gpt-4")).rejects.toThrow(/^unknown model spec "gpt-4": expected/);
    await expect(parseModel("http://127.0.0.1:8000/v1")).rejects.toThrow(/add the model name after "#"/);
    await expect(parseModel("gguf:/nope/model.gguf")).rejects.toThrow(
      "/nope/model.gguf: GGUF model file not found",
    );
    await expect(parseModel(`scripted:${join(dir, "missing.jsonl")}`)).rejects.toThrow(
      /missing\.jsonl: file not found/,
    );
  });

  it("replays scripted replies per task, in order", async () => {
    const file = join(dir, "script.jsonl");
    writeFileSync(file, '{"taskId":"a","replies":["one","two"]}\n{"taskId":"b","replies":["x"]}\n');
    const model = await parseModel(`scripted:${file}`);
    const a = await model.forEpisode?.({ taskId: "a" });
    const b = await model.forEpisode?.({ taskId: "b" });
    expect((await a?.complete([]))?.text).toBe("one");
    expect((await b?.complete([]))?.text).toBe("x");
    expect((await a?.complete([]))?.text).toBe("two");
    await expect(a?.complete([])).rejects.toThrow(/no reply 3 for task "a"/);
  });

  it("names the line of a bad script record", async () => {
    const file = join(dir, "bad.jsonl");
    writeFileSync(file, '{"taskId":"a","replies":["one"]}\n{"taskId":"a","replies":["x"]}\n');
    await expect(parseModel(`scripted:${file}`)).rejects.toThrow(`${file}:2: taskId: duplicate "a"`);
  });
});
