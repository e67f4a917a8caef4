import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Trajectory } from "../core/index.js";
import { exportAgentInstruct } from "./export-agentinstruct.js";

const trajectory = (env: string, independentTurns: boolean): Trajectory => ({
  id: `${env}/t/0`,
  env,
  taskId: "t",
  model: "oracle",
  messages: [
    { role: "user", content: "round 1" },
    { role: "assistant", content: "Answer: A" },
    { role: "user", content: "round 2" },
    { role: "assistant", content: "Answer: B" },
  ],
  reward: 1,
  success: true,
  turns: 2,
  ...(independentTurns ? { independentTurns } : {}),
  startedAt: "2026-11-25T00:00:00.000Z",
  durationMs: 1,
});

describe("exportAgentInstruct", () => {
  it("keeps a conversation whole, and splits one whose rounds were separate prompts", () => {
    const dir = mkdtempSync(join(tmpdir(), "ai-"));
    const out = exportAgentInstruct([trajectory("db", false), trajectory("mind2web", true)], dir);
    expect(out.splits).toMatchObject({ db: { records: 1 }, mind2web: { records: 2 } });
    const lines = readFileSync(join(dir, "mind2web.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((r) => [r.id, r.conversations.map((c: { value: string }) => c.value)])).toEqual([
      ["mind2web_0", ["round 1", "Answer: A"]],
      ["mind2web_1", ["round 2", "Answer: B"]],
    ]);
  });
});
