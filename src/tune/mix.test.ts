import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildAblations } from "./ablations.js";
import { type Conversation, readGeneralConversations } from "./conversation.js";
import { bundledGeneralSample, mixFiles } from "./files.js";
import { approxTokens, mixConversations } from "./mix.js";

const dir = mkdtempSync(join(tmpdir(), "mix-"));
const conv = (id: string, source: "agent" | "general", words: number, env?: string): Conversation => ({
  id,
  source,
  ...(env ? { env } : {}),
  messages: [
    { role: "user", content: "q" },
    { role: "assistant", content: "word ".repeat(words) },
  ],
});
const agent = Array.from({ length: 20 }, (_, i) => conv(`a${i}`, "agent", 40, i % 2 ? "db" : "os"));
const general = Array.from({ length: 200 }, (_, i) => conv(`g${i}`, "general", 10));

describe("mixConversations", () => {
  it("makes agent data the eta share of examples, reproducibly by seed", () => {
    const a = mixConversations({ agent, general, eta: 0.2, seed: 3 });
    expect(a.manifest.counts).toEqual({ agent: 20, general: 80, total: 100 });
    expect(a.manifest.agentShare).toBeCloseTo(0.2);
    expect(a.manifest.envs).toEqual({ os: 10, db: 10 });
    expect(mixConversations({ agent, general, eta: 0.2, seed: 3 }).conversations.map((c) => c.id)).toEqual(
      a.conversations.map((c) => c.id),
    );
    expect(
      mixConversations({ agent, general, eta: 0.2, seed: 4 }).conversations.map((c) => c.id),
    ).not.toEqual(a.conversations.map((c) => c.id));
  });

  it("can count the share in tokens instead", () => {
    const m = mixConversations({ agent, general, eta: 0.5, by: "tokens" }).manifest;
    expect(m.agentShare).toBeGreaterThan(0.45);
    expect(m.agentShare).toBeLessThanOrEqual(0.5);
    expect(m.tokens.general).toBeGreaterThanOrEqual(m.tokens.agent);
  });

  it("cuts agent data when general data runs short, and says so", () => {
    const m = mixConversations({ agent, general: general.slice(0, 40), eta: 0.2 }).manifest;
    expect(m).toMatchObject({
      counts: { agent: 10, general: 40 },
      available: { agent: agent.length, general: 40 },
      limitedBy: "general",
    });
  });

  it("handles eta 0 and 1 and rejects nonsense", () => {
    expect(mixConversations({ agent, general, eta: 1 }).manifest.counts).toEqual({
      agent: 20,
      general: 0,
      total: 20,
    });
    expect(mixConversations({ agent, general, eta: 0 }).manifest.counts).toEqual({
      agent: 0,
      general: 200,
      total: 200,
    });
    expect(() => mixConversations({ agent, general, eta: 1.5 })).toThrow(
      "--eta 1.5: expected a number from 0 to 1",
    );
    expect(approxTokens(agent[0] as Conversation)).toBe(Math.ceil(1 / 4) + 50);
  });

  it("builds the eta sweep and leave-one-env-out ablations", () => {
    const ablations = buildAblations({ agent, general, out: join(dir, "ablations") });
    expect(ablations.map((a) => a.name)).toEqual([
      "eta-0",
      "eta-0.2",
      "eta-0.5",
      "eta-1",
      "without-db",
      "without-os",
    ]);
    expect(ablations.find((a) => a.name === "without-db")?.manifest?.envs).toEqual({ os: 10 });
    expect(readFileSync(join(dir, "ablations", "ablations.yaml"), "utf8")).toContain("name: without-os");
  });
});

describe("general data loaders", () => {
  it("read the bundled sample (ShareGPT), a ShareGPT JSON array, OpenAI chat and HF conversational JSONL", async () => {
    const sample = await readGeneralConversations(bundledGeneralSample());
    expect(sample.format).toBe("sharegpt");
    expect(sample.conversations.length).toBeGreaterThanOrEqual(100);
    expect(sample.conversations.every((c) => c.messages.at(-1)?.role === "assistant")).toBe(true);

    const array = join(dir, "sharegpt.json");
    writeFileSync(
      array,
      JSON.stringify([
        {
          conversations: [
            { from: "system", value: "s" },
            { from: "human", value: "hi" },
            { from: "gpt", value: "hello" },
          ],
        },
      ]),
    );
    expect((await readGeneralConversations(array)).conversations[0]?.messages.map((m) => m.role)).toEqual([
      "system",
      "user",
      "assistant",
    ]);

    const openai = join(dir, "openai.jsonl");
    writeFileSync(
      openai,
      `${JSON.stringify({
        messages: [
          { role: "user", content: "a" },
          { role: "assistant", content: "b", weight: 0 },
        ],
      })}\n`,
    );
    expect((await readGeneralConversations(openai)).conversations[0]?.messages[1]).toEqual({
      role: "assistant",
      content: "b",
      loss: false,
    });

    const hf = join(dir, "hf.jsonl");
    writeFileSync(
      hf,
      `${JSON.stringify({
        messages: [
          { role: "user", content: "a" },
          { role: "assistant", content: "b" },
        ],
      })}\n`,
    );
    expect((await readGeneralConversations(hf)).format).toBe("messages");

    const bad = join(dir, "bad.jsonl");
    writeFileSync(bad, '{"text": "plain"}\n');
    await expect(readGeneralConversations(bad)).rejects.toThrow(
      `${bad}:1: expected a ShareGPT record ("conversations") or a chat record ("messages")`,
    );
  });

  it("mixFiles writes mixed.jsonl and a manifest naming the sources", async () => {
    const agentFile = join(dir, "agent.jsonl");
    writeFileSync(
      agentFile,
      `${agent
        .slice(0, 5)
        .map((c, i) =>
          JSON.stringify({
            id: `db_${i}`,
            conversations: [
              { from: "human", value: "q" },
              { from: "gpt", value: c.messages[1]?.content, loss: true },
            ],
          }),
        )
        .join("\n")}\n`,
    );
    const manifest = await mixFiles({ agent: agentFile, eta: 0.2, out: join(dir, "mixed") });
    expect(manifest.counts).toEqual({ agent: 5, general: 20, total: 25 });
    expect(manifest.sources?.general).toBe(bundledGeneralSample());
    expect(JSON.parse(readFileSync(join(dir, "mixed", "manifest.json"), "utf8")).counts.total).toBe(25);
  });
});
