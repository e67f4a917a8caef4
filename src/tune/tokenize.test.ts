import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parquetReadObjects } from "hyparquet";
import { describe, expect, it } from "vitest";
import type { Message } from "../core/index.js";
import { agentLmSystemPrompt, builtinTemplates, loadChatTemplate, renderChat } from "./chat-template.js";
import type { Conversation } from "./conversation.js";
import { tokenizeFile } from "./files.js";
import { writeTokenizedParquet } from "./parquet.js";
import {
  byteLevelBpeTokenizer,
  roleTagChatTemplate,
  sentencePieceBpeTokenizer,
  writeTokenizerDir,
} from "./test-helpers/tiny-tokenizers.js";
import { ignoreIndex, packExamples, tokenizeConversation, tokenizeConversations } from "./tokenize.js";
import { loadTokenizer } from "./tokenizer.js";

const dir = mkdtempSync(join(tmpdir(), "tokenize-"));
const tokenizers = {
  "byte-level BPE": writeTokenizerDir(join(dir, "bl"), byteLevelBpeTokenizer(), {
    chat_template: roleTagChatTemplate,
  }),
  "SentencePiece BPE": writeTokenizerDir(join(dir, "spm"), sentencePieceBpeTokenizer(), {
    chat_template: roleTagChatTemplate,
  }),
};

const messages: Message[] = [
  { role: "user", content: "You operate a database. Reply with an action." },
  { role: "assistant", content: "Ok.", loss: false },
  { role: "user", content: "What is the count of the table?" },
  { role: "assistant", content: "Action: Operation\n```sql\nSELECT count(*) FROM t\n```" },
  { role: "user", content: "[(4,)]" },
  { role: "assistant", content: 'Action: Answer\nFinal Answer: ["4"]' },
];
const conversation: Conversation = { id: "db_0", source: "agent", env: "db", messages };

/** Decodes each run of trained tokens. */
function trainedRuns(ids: number[], labels: number[], decode: (ids: number[]) => string): string[] {
  const runs: number[][] = [];
  labels.forEach((label, i) => {
    if (label === ignoreIndex) return;
    if (i === 0 || labels[i - 1] === ignoreIndex) runs.push([]);
    runs.at(-1)?.push(ids[i] as number);
  });
  return runs.map((run) => decode(run).trim());
}

describe.each(Object.entries(tokenizers))("loss mask with a %s tokenizer", (_, tokenizerDir) => {
  const tokenizer = loadTokenizer(tokenizerDir);
  const templates = { ...builtinTemplates, "model's own": loadChatTemplate(tokenizerDir) };

  it.each(Object.entries(templates))(
    "decode(trained tokens) is exactly the trained assistant texts (%s)",
    (_, template) => {
      const { example } = tokenizeConversation(conversation, { template, tokenizer, policy: "per-turn" });
      const runs = trainedRuns(example?.input_ids ?? [], example?.labels ?? [], (ids) =>
        tokenizer.decode(ids, { skipSpecialTokens: true }),
      );
      expect(runs).toEqual([messages[3]?.content, messages[5]?.content]);
      // the whole sequence is the rendered conversation
      expect(tokenizer.decode(example?.input_ids ?? []).replaceAll(" ", "")).toBe(
        renderChat(template, messages).replaceAll(" ", ""),
      );
    },
  );

  it.each(Object.entries(templates))(
    "the ids are those of the whole rendered text tokenized at once, as a server feeds the model (%s)",
    (_, template) => {
      const { example } = tokenizeConversation(conversation, { template, tokenizer, policy: "per-turn" });
      // a SentencePiece tokenizer prepends "▁" to each text it sees: tokenized alone, " Action: …" would
      // gain an extra token at the start of every assistant turn
      expect(example?.input_ids).toEqual(tokenizer.encode(renderChat(template, messages)));
    },
  );

  it("applies the loss policy", () => {
    const template = builtinTemplates.chatml as never;
    const decode = (ids: number[]) => tokenizer.decode(ids, { skipSpecialTokens: true });
    const all = tokenizeConversation(conversation, { template, tokenizer, policy: "all-assistant" }).example;
    expect(trainedRuns(all?.input_ids ?? [], all?.labels ?? [], decode)).toEqual([
      "Ok.",
      messages[3]?.content,
      messages[5]?.content,
    ]);
    const last = tokenizeConversation(conversation, { template, tokenizer, policy: "last-turn" }).example;
    expect(trainedRuns(last?.input_ids ?? [], last?.labels ?? [], decode)).toEqual([messages[5]?.content]);
  });
});

describe("templates", () => {
  it("renders AgentLM's Llama-2-chat format with its fixed system prompt", () => {
    const text = renderChat(builtinTemplates["llama-2"] as never, messages.slice(0, 2));
    expect(text).toBe(
      `<s>[INST] <<SYS>>\n${agentLmSystemPrompt}\n<</SYS>>\n\nYou operate a database. Reply with an action. [/INST] Ok. </s>`,
    );
  });

  it("refuses a template whose renderings are not prefix-stable", () => {
    const unstable = {
      ...(builtinTemplates.chatml as never as object),
      name: "odd",
      source: "{{ messages | length }}{% for m in messages %}{{ m['content'] }}{% endfor %}",
    };
    expect(() =>
      tokenizeConversation(conversation, {
        template: unstable as never,
        tokenizer: loadTokenizer(tokenizers["byte-level BPE"]),
      }),
    ).toThrow(/not prefix-stable at message 1/);
  });

  it("names a missing template clearly", () => {
    expect(() => loadChatTemplate(join(dir, "nowhere"))).toThrow(
      /not a built-in \(llama-2, chatml, llama-3\)/,
    );
  });
});

describe("truncation, packing and Parquet", () => {
  const tokenizer = loadTokenizer(tokenizers["byte-level BPE"]);
  const template = builtinTemplates.chatml as never;
  const full = tokenizeConversation(conversation, { template, tokenizer }).example;
  const length = full?.input_ids.length ?? 0;

  it("drops or cuts over-long conversations at a turn boundary, with counts", () => {
    const dropped = tokenizeConversations([conversation], {
      template,
      tokenizer,
      maxLength: length - 1,
      truncation: "drop",
    });
    expect(dropped.report).toMatchObject({ examples: 0, dropped: 1, truncated: 0 });
    const cut = tokenizeConversations([conversation], {
      template,
      tokenizer,
      maxLength: length - 1,
      truncation: "turns",
    });
    expect(cut.report).toMatchObject({ examples: 1, dropped: 0, truncated: 1 });
    const decode = (ids: number[]) => tokenizer.decode(ids, { skipSpecialTokens: true });
    const example = cut.examples[0];
    expect(trainedRuns(example?.input_ids ?? [], example?.labels ?? [], decode)).toEqual([
      messages[3]?.content,
    ]);
    expect(example?.input_ids.length).toBeLessThan(length);
  });

  it("refuses to write an empty file when --max-length drops every conversation", async () => {
    const input = join(dir, "mixed.jsonl");
    writeFileSync(input, `${JSON.stringify(conversation)}\n`);
    await expect(
      tokenizeFile({
        input,
        tokenizer: tokenizers["byte-level BPE"],
        template: "chatml",
        policy: "per-turn",
        maxLength: 3,
        truncation: "drop",
        out: join(dir, "none.parquet"),
      }),
    ).rejects.toThrow(/--max-length 3: all 1 conversations were dropped as too long/);
  });

  it("packs whole examples into rows and writes LIST<INT32> Parquet", async () => {
    const examples = [1, 2, 3].map((i) => ({ ...(full as NonNullable<typeof full>), id: `e${i}` }));
    const rows = packExamples(examples, length * 2);
    expect(rows.map((r) => r.id)).toEqual(["e1+e2", "e3"]);
    expect(rows[0]?.input_ids).toHaveLength(length * 2);
    const file = join(dir, "train.parquet");
    writeTokenizedParquet(file, rows);
    const bytes = readFileSync(file);
    const back = await parquetReadObjects({
      file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
    });
    expect(back.map((r) => r.labels)).toEqual(rows.map((r) => r.labels));
    expect(back[1]?.input_ids).toEqual(rows[1]?.input_ids);
  });
});
