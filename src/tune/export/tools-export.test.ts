// A tools-mode collection exported natively: OpenAI fine-tuning (tool_calls, tool messages, tools per
// example), LLaMA-Factory sharegpt (function_call / observation turns, tools column) and TRL (tool calls
// in messages, tools column, a template that renders them). Each export passes `export --check`, which
// reads it by the engine's rules, and the check catches each way it can break.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { toolCallingConversation } from "../../../test/helpers/tool-calling.js";
import type { Message, ToolSpec } from "../../core/index.js";
import { parseFunctionCallValue, shareGptToMessages, shareGptTurns } from "../../data/index.js";
import { dbActions } from "../../envs/db/actions.js";
import { runEval } from "../../eval/index.js";
import { builtinTemplates, type ChatTemplate, renderChat, renderWithSpans } from "../chat-template.js";
import { type Conversation, readAgentConversations } from "../conversation.js";
import { mixFiles, readTrainingConversations } from "../files.js";
import { checkExport } from "./check.js";
import { exportLlamaFactory } from "./llamafactory.js";
import { exportOpenAiFineTuning } from "./openai-ft.js";
import { exportTrl } from "./trl.js";

const dir = mkdtempSync(join(tmpdir(), "tools-export-"));
const tools: ToolSpec[] = dbActions.map((a) => a.tool);
const chatml = builtinTemplates.chatml as ChatTemplate;
const llama3 = builtinTemplates["llama-3"] as ChatTemplate;

/** Two parallel calls, as a model may send them: the first ran, the second was answered "not executed". */
const parallel = toolCallingConversation();

let collected: Conversation[];
beforeAll(async () => {
  await runEval({
    env: "db",
    tasks: resolve("test/fixtures/dbbench-sample.jsonl"),
    model: "oracle",
    out: join(dir, "collect"),
    progress: false,
    actionFormat: "tools",
  });
  collected = await readAgentConversations(join(dir, "collect", "results.jsonl"));
}, 120_000);

describe("tools-mode data in training", () => {
  it("keeps its tool calls and tools (native), or comes in as the env's ReAct text", async () => {
    expect(collected).toHaveLength(8);
    for (const c of collected) {
      expect(c.tools?.map((t) => t.name)).toEqual(["execute_sql", "commit_final_answer"]);
      expect(c.messages.some((m) => m.toolCalls?.length)).toBe(true);
    }
    const react = await readAgentConversations(join(dir, "collect", "results.jsonl"), {
      actionFormat: "react",
    });
    expect(react.every((c) => !c.tools && c.messages.every((m) => m.role !== "tool"))).toBe(true);
    expect(react[0]?.messages.some((m) => m.content.includes("Action: Operation"))).toBe(true);

    const mix = await mixFiles({
      agent: join(dir, "collect", "results.jsonl"),
      eta: 0.5,
      out: join(dir, "mix"),
    });
    expect(mix.counts.agent).toBe(8);
    const mixed = await readTrainingConversations(join(dir, "mix"));
    expect(mixed.filter((c) => c.tools?.length)).toHaveLength(8);
  });

  it("ChatML and Llama-3 render calls, results and the tool list; Llama-2 refuses them in one line", () => {
    const text = renderChat(chatml, parallel.messages, false, tools);
    expect(text).toContain(
      `<|im_start|>system\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\nYou are provided with function signatures within <tools></tools> XML tags:\n<tools>\n{"type": "function", "function": {"name": "execute_sql", "description": `,
    );
    expect(text).toContain(
      '<|im_start|>assistant\nThought: count them.\n<tool_call>\n{"name": "execute_sql", "arguments": {"sql": "SELECT COUNT(*) FROM t"}}\n</tool_call>\n<tool_call>\n{"name": "execute_sql", "arguments": {"sql": "SELECT 1"}}\n</tool_call><|im_end|>\n<|im_start|>tool\n[(3,)]<|im_end|>\n<|im_start|>tool\nnot executed<|im_end|>\n<|im_start|>assistant\n<tool_call>\n{"name": "commit_final_answer", "arguments": {"answers": ["3"]}}\n</tool_call><|im_end|>\n',
    );
    expect(renderChat(llama3, parallel.messages, false, tools)).toContain(
      '<|start_header_id|>ipython<|end_header_id|>\n\n[(3,)]<|eot_id|><|start_header_id|>ipython<|end_header_id|>\n\nnot executed<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n{"name": "commit_final_answer", "parameters": {"answers": ["3"]}}<|eot_id|>',
    );
    // a conversation without tools renders as before: the tool branch adds nothing
    const plain: Message[] = [
      { role: "user", content: "hi" },
      { role: "assistant", content: "hello" },
    ];
    expect(renderChat(chatml, plain)).toBe(
      "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\nhello<|im_end|>\n",
    );
    // the trained span of a calling turn is its text and calls, not the role header
    const { text: whole, spans } = renderWithSpans(chatml, parallel.messages, tools);
    expect(whole.slice(spans[0]?.start, spans[0]?.end)).toMatch(
      /^Thought: count them\.\n<tool_call>[\s\S]*<\/tool_call><\|im_end\|>\n$/,
    );
    expect(() => renderChat(builtinTemplates["llama-2"] as ChatTemplate, parallel.messages)).toThrow(
      /template llama-2 has no format for tool calls/,
    );
  });

  it("OpenAI fine-tuning: tools per example, tool_calls with ids their results answer; the check finds broken ones", () => {
    const out = join(dir, "openai");
    const result = exportOpenAiFineTuning({
      conversations: [...collected, parallel],
      out,
      policy: "per-turn",
    });
    expect(result.examples).toBe(9);
    const lines = readFileSync(result.dataFile, "utf8").trim().split("\n");
    const record = JSON.parse(lines.at(-1) as string);
    expect(record.tools.map((t: { function: { name: string } }) => t.function.name)).toEqual([
      "execute_sql",
      "commit_final_answer",
    ]);
    expect(record.messages[1]).toMatchObject({
      role: "assistant",
      content: "Thought: count them.",
      weight: 1,
      tool_calls: [
        { id: "c1", type: "function", function: { name: "execute_sql" } },
        { id: "c2", type: "function" },
      ],
    });
    expect(record.messages[2]).toEqual({ role: "tool", content: "[(3,)]", tool_call_id: "c1" });
    expect(record.messages[4]).toMatchObject({ content: null, tool_calls: [{ id: "c3" }] });
    expect(checkExport(out)[0]?.problems).toEqual([]);

    // each rule, broken once
    const broken = structuredClone(record);
    broken.messages[2].tool_call_id = "c9";
    broken.messages[4].tool_calls[0].function.name = "drop_database";
    broken.messages[4].tool_calls[0].function.arguments = "{not json";
    writeFileSync(result.dataFile, `${JSON.stringify(broken)}\n`);
    const problems = checkExport(out)[0]?.problems.join("\n");
    expect(problems).toContain('tool_call_id "c9" answers no call before it');
    expect(problems).toContain("calls drop_database, which the example's tools do not list");
    expect(problems).toContain("the arguments of drop_database are not JSON");
    expect(problems).toContain("calls c1 have no tool result");
  });

  it("LLaMA-Factory: function_call turns with the thought before <tool_call>, one observation per turn, a tools column", () => {
    const out = join(dir, "lf");
    const result = exportLlamaFactory({
      conversations: [...collected, parallel],
      out,
      template: chatml,
      policy: "all-assistant",
    });
    const info = JSON.parse(readFileSync(result.datasetInfo, "utf8")).agenttune;
    expect(info.columns).toEqual({ messages: "conversations", system: "system", tools: "tools" });
    const records = JSON.parse(readFileSync(result.dataFile, "utf8"));
    const last = records.at(-1);
    expect(last.conversations.map((t: { from: string }) => t.from)).toEqual([
      "human",
      "function_call",
      "observation",
      "function_call",
    ]);
    // formatter.py:113-138 takes the JSON between the tool-call words and keeps the text before as thought
    expect(last.conversations[1].value).toBe(
      'Thought: count them.\n<tool_call>[{"name":"execute_sql","arguments":{"sql":"SELECT COUNT(*) FROM t"}},{"name":"execute_sql","arguments":{"sql":"SELECT 1"}}]</tool_call>',
    );
    // converter.py:269 joins consecutive tool results with this separator
    expect(last.conversations[2].value).toBe("[(3,)]\n</tool_response>\n<tool_response>\nnot executed");
    expect(last.conversations[3].value).toBe('{"name":"commit_final_answer","arguments":{"answers":["3"]}}');
    expect(JSON.parse(last.tools).map((t: { name: string }) => t.name)).toEqual([
      "execute_sql",
      "commit_final_answer",
    ]);
    // and back: the same calls, results and ids
    const back = shareGptToMessages({ conversations: last.conversations });
    expect(back[1]?.toolCalls?.map((c) => [c.name, JSON.parse(c.arguments)])).toEqual([
      ["execute_sql", { sql: "SELECT COUNT(*) FROM t" }],
      ["execute_sql", { sql: "SELECT 1" }],
    ]);
    expect(back.filter((m) => m.role === "tool").map((m) => m.content)).toEqual(["[(3,)]", "not executed"]);
    expect(shareGptTurns(back)).toEqual(last.conversations);
    expect(parseFunctionCallValue(last.conversations[1].value, "x").content).toBe("Thought: count them.");

    const check = checkExport(out)[0];
    expect(check?.problems).toEqual([]);
    expect(check?.examples).toBe(9);
    // a function_call that is no JSON stops LLaMA-Factory's run; a tools value that is no JSON too
    records[0].conversations[3].value = "Thought: x<tool_call>{oops</tool_call>";
    records[1].tools = "[{";
    writeFileSync(result.dataFile, JSON.stringify(records));
    const problems = checkExport(out)[0]?.problems.join("\n");
    expect(problems).toContain("function_call is not JSON");
    expect(problems).toContain("tools: not JSON");
  });

  it("TRL: calls with object arguments, tools as a JSON string, and generation markers around each calling turn", () => {
    const out = join(dir, "trl");
    const general: Conversation = {
      id: "g",
      source: "general",
      messages: [
        { role: "user", content: "hi" },
        { role: "assistant", content: "hello" },
      ],
    };
    const result = exportTrl({
      conversations: [parallel, general],
      out,
      template: chatml,
      policy: "per-turn",
    });
    const [first, second] = readFileSync(result.dataFile, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(first.messages[1].tool_calls[0]).toEqual({
      id: "c1",
      type: "function",
      function: { name: "execute_sql", arguments: { sql: "SELECT COUNT(*) FROM t" } },
    });
    expect(first.messages[2]).toMatchObject({ role: "tool", tool_call_id: "c1", loss: false });
    expect(JSON.parse(first.tools)[0].function.name).toBe("execute_sql");
    expect(second.tools).toBe("[]");
    const check = checkExport(out)[0];
    expect(check?.problems).toEqual([]);
    // the two calling turns and the general answer
    expect(check?.trainedTurns).toBe(3);
    expect(() =>
      exportTrl({
        conversations: [parallel],
        out: join(dir, "trl2"),
        template: builtinTemplates["llama-2"] as ChatTemplate,
        policy: "per-turn",
      }),
    ).toThrow(/parallel has tool calls and the template "llama-2" has no format for them/);
  });
});
