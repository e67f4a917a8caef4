import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Trajectory } from "../../core/index.js";
import {
  fromAgentInstruct,
  messagesToOpenAiChat,
  messagesToShareGpt,
  openAiChatToMessages,
  readAgentInstruct,
  readOpenAiChat,
  readShareGpt,
  readTrajectories,
  shareGptToMessages,
  sortTrajectories,
  toAgentInstruct,
  writeAgentInstruct,
  writeOpenAiChat,
  writeShareGpt,
  writeTrajectories,
} from "./index.js";

const dir = mkdtempSync(join(tmpdir(), "formats-"));
const trajectory: Trajectory = {
  id: "db/7/0",
  env: "db",
  taskId: "7",
  model: "oracle",
  messages: [
    { role: "user", content: "instructions" },
    { role: "assistant", content: "Ok.", loss: false },
    { role: "user", content: "How many?\nThe name of this table is t." },
    { role: "assistant", content: "Action: Operation\n```sql\nSELECT COUNT(*) FROM t\n```" },
    { role: "user", content: "[(4,)]" },
    { role: "assistant", content: 'Action: Answer\nFinal Answer: ["4"]' },
  ],
  reward: 1,
  success: true,
  turns: 2,
  startedAt: "2026-01-01T00:00:00.000Z",
  durationMs: 5,
};

describe("AgentInstruct", () => {
  it("marks the mask as the dataset does: null on human, false on the acknowledgement, true on agent turns", () => {
    const record = toAgentInstruct(trajectory, "db_0");
    expect(record.conversations.map((c) => [c.from, c.loss])).toEqual([
      ["human", null],
      ["gpt", false],
      ["human", null],
      ["gpt", true],
      ["human", null],
      ["gpt", true],
    ]);
  });

  it("round-trips trajectories → AgentInstruct file → trajectories without losing env, messages or mask", async () => {
    const file = join(dir, "db.jsonl");
    writeAgentInstruct(file, [toAgentInstruct(trajectory, "db_0")]);
    const [back] = (await readAgentInstruct(file)).map((r) => fromAgentInstruct(r));
    expect(back?.env).toBe("db");
    expect(back?.messages).toEqual(
      trajectory.messages.map((m) => (m.role === "assistant" ? { ...m, loss: m.loss ?? true } : m)),
    );
    expect(toAgentInstruct(back as Trajectory, "db_0")).toEqual(toAgentInstruct(trajectory, "db_0"));
  });

  it("reads the JSON-array form too and names a bad record", async () => {
    const file = join(dir, "os.json");
    writeFileSync(
      file,
      JSON.stringify([
        toAgentInstruct(trajectory, "os_0"),
        { id: "os_1", conversations: [{ from: "bot", value: "x" }] },
      ]),
    );
    await expect(readAgentInstruct(file)).rejects.toThrow(`${file}: [1].conversations.0.from:`);
  });

  it("folds a system prompt into the first human turn", () => {
    const record = toAgentInstruct(
      { messages: [{ role: "system", content: "S" }, ...trajectory.messages] },
      "db_1",
    );
    expect(record.conversations[0]?.value).toBe("S\n\ninstructions");
  });
});

describe("ShareGPT and OpenAI chat", () => {
  it("round-trip through their files", async () => {
    const messages = [{ role: "system" as const, content: "be brief" }, ...trajectory.messages];
    const sharegpt = join(dir, "sharegpt.jsonl");
    writeShareGpt(sharegpt, [messagesToShareGpt(messages, "c1")]);
    const [record] = await readShareGpt(sharegpt);
    expect(shareGptToMessages(record as never)).toEqual(
      messages.map(({ role, content }) => ({ role, content })),
    );

    const openai = join(dir, "openai.jsonl");
    writeOpenAiChat(openai, [messagesToOpenAiChat(messages)]);
    const [chat] = await readOpenAiChat(openai);
    expect(chat?.messages[2]).toEqual({ role: "assistant", content: "Ok.", weight: 0 });
    expect(chat?.messages[4]).toMatchObject({ weight: 1 });
    expect(openAiChatToMessages(chat as never)).toEqual(
      messages.map((m) => (m.role === "assistant" ? { ...m, loss: m.loss ?? true } : m)),
    );
  });
});

describe("trajectories", () => {
  it("round-trip and sort by env, task id (numerically) and sample", async () => {
    const file = join(dir, "t.jsonl");
    const others = [
      { ...trajectory, id: "db/10/0", taskId: "10" },
      { ...trajectory, id: "db/7/1" },
    ];
    writeTrajectories(file, [...others, trajectory]);
    const back = await readTrajectories(file);
    expect(sortTrajectories(back).map((t) => t.id)).toEqual(["db/7/0", "db/7/1", "db/10/0"]);
  });
});
