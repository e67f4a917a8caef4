import { describe, expect, it } from "vitest";
import type { Message } from "../core/index.js";
import { truncateHistory } from "./history.js";

const m = (role: Message["role"], content: string): Message => ({ role, content });
const prefix = [m("user", "instructions"), m("assistant", "Ok."), m("user", "task")];
const rounds = [m("assistant", "a1"), m("user", "o1"), m("assistant", "a2"), m("user", "o2")];
const oneTokenEach = () => 1;

describe("truncateHistory", () => {
  it("keeps everything without a budget or when it fits", () => {
    expect(truncateHistory([...prefix, ...rounds], 3)).toHaveLength(7);
    expect(
      truncateHistory([...prefix, ...rounds], 3, { maxPromptTokens: 7, estimateTokens: oneTokenEach }),
    ).toHaveLength(7);
  });

  it("drops the oldest whole rounds after the prefix", () => {
    const kept = truncateHistory([...prefix, ...rounds], 3, {
      maxPromptTokens: 6,
      estimateTokens: oneTokenEach,
    });
    expect(kept?.map((x) => x.content)).toEqual(["instructions", "Ok.", "task", "a2", "o2"]);
  });

  it("keeps a call's tool results with it: drops whole rounds up to an assistant turn", () => {
    const call = (id: string): Message => ({
      role: "assistant",
      content: "",
      toolCalls: [
        { id, name: "f", arguments: "{}" },
        { id: `${id}b`, name: "f", arguments: "{}" },
      ],
    });
    const tool = (id: string): Message => ({ role: "tool", content: id, toolCallId: id });
    const history = [...prefix, call("c1"), tool("c1"), tool("c1b"), call("c2"), tool("c2"), tool("c2b")];
    const kept = truncateHistory(history, 3, { maxPromptTokens: 6, estimateTokens: oneTokenEach });
    expect(kept?.slice(3).map((x) => x.toolCallId ?? x.toolCalls?.[0]?.id)).toEqual(["c2", "c2", "c2b"]);
  });

  it("returns undefined when the prefix and the newest turn cannot fit", () => {
    expect(
      truncateHistory([...prefix, ...rounds], 3, { maxPromptTokens: 4, estimateTokens: oneTokenEach }),
    ).toBeUndefined();
  });
});
