// The exports loaded by the engines' own code, in Python: LLaMA-Factory's get_dataset with tokenized_path
// (loader.py:287-295) and its SFTDataCollatorWith4DAttentionMask (collator.py), and TRL's SFTTrainer with
// assistant_only_loss (sft_trainer.py: tokenize_fn, build_labels) training one step of a tiny random
// Llama. Needs AGENTTUNE_HF_PYTHON (a Python with datasets, transformers, trl, torch; .ci/hf-python
// builds one) and, for LLaMA-Factory's own loader, AGENTTUNE_LLAMAFACTORY_SRC (its src/ folder); without
// that the test uses what its loader calls (datasets.load_from_disk, transformers' DataCollatorForSeq2Seq).
// With AGENTTUNE_LLAMAFACTORY_SRC it also reads a function-calling sharegpt export with LLaMA-Factory's parser,
// converter and template (test/reference/lf_sharegpt.py).
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { backendAvailable } from "../../../test/helpers/backends.js";
import { toolCallingConversation } from "../../../test/helpers/tool-calling.js";
import type { Message } from "../../core/index.js";
import { builtinTemplates, type ChatTemplate } from "../chat-template.js";
import { type Conversation, readGeneralConversations } from "../conversation.js";
import { bundledGeneralSample } from "../files.js";
import { readHfDatasetDict } from "../hf-dataset.js";
import { type LossPolicy, trainedTurns } from "../loss-policy.js";
import {
  byteLevelBpeTokenizer,
  sentencePieceBpeTokenizer,
  writeTokenizerDir,
} from "../test-helpers/tiny-tokenizers.js";
import { loadTokenizer } from "../tokenizer.js";
import { exportLlamaFactory } from "./llamafactory.js";
import { exportTrl } from "./trl.js";

const python = process.env.AGENTTUNE_HF_PYTHON;
const llamaFactorySrc = process.env.AGENTTUNE_LLAMAFACTORY_SRC;
const available = backendAvailable(
  "a Python with datasets, transformers and trl (AGENTTUNE_HF_PYTHON; see .ci/hf-python)",
  Boolean(python),
);
const dir = mkdtempSync(join(tmpdir(), "consumers-"));

const agentMessages: Message[] = [
  { role: "user", content: "You are an agent in a SQL database. Answer with Action: Operation or Answer." },
  { role: "assistant", content: "Ok.", loss: false },
  { role: "user", content: "How many rows has the table `orders`?" },
  {
    role: "assistant",
    content: "Thought: count them.\nAction: Operation\n```sql\nSELECT COUNT(*) FROM orders\n```",
  },
  { role: "user", content: "[(42,)]" },
  { role: "assistant", content: 'Thought: done.\nAction: Answer\nFinal Answer: ["42"]' },
];

describe.skipIf(!available)("exports loaded by LLaMA-Factory's and TRL's own code", () => {
  it("they train exactly the turns agenttune selects, for each built-in template, and TRL takes a step", async () => {
    const general = (await readGeneralConversations(bundledGeneralSample())).conversations.slice(0, 12);
    const agent: Conversation[] = [0, 1, 2].map((i) => ({
      id: `db_${i}`,
      source: "agent",
      env: "db",
      messages: agentMessages.map((m) => ({ ...m, content: m.content.replace("orders", `orders_${i}`) })),
    }));
    // a tools-mode conversation: TRL renders it with tools=json.loads(column) (sft_trainer.py:1458-1462)
    const toolCalling = toolCallingConversation("tools_0");
    const cases = [
      ["llama-2", sentencePieceBpeTokenizer(), "per-turn"],
      ["chatml", byteLevelBpeTokenizer(), "per-turn"],
      ["llama-3", byteLevelBpeTokenizer(), "last-turn"],
    ] as const;
    const specs = [];
    const expected: { runs: string[][]; texts: string[]; turns: number }[] = [];
    for (const [name, tokenizerJson, policy] of cases) {
      const template = builtinTemplates[name] as ChatTemplate;
      // Llama-2-chat has no tool-call format (the export refuses it)
      const conversations = [...agent, ...(name === "llama-2" ? [] : [toolCalling]), ...general];
      const tokenizerDir = writeTokenizerDir(join(dir, `tok-${name}`), tokenizerJson);
      const tokenizer = loadTokenizer(tokenizerDir);
      const lf = exportLlamaFactory({
        conversations,
        out: join(dir, name, "lf"),
        template,
        policy: policy as LossPolicy,
        tokenizer,
      });
      const trl = exportTrl({
        conversations,
        out: join(dir, name, "trl"),
        template,
        policy: policy as LossPolicy,
      });
      // what agenttune itself trains: its own decoding of the labels it wrote
      const rows = readHfDatasetDict(lf.tokenized?.dir as string).train ?? [];
      expected.push({
        runs: rows.map((row) => {
          const runs: number[][] = [];
          for (const [t, label] of row.labels.entries()) {
            if (label === -100) continue;
            if (t === 0 || row.labels[t - 1] === -100) runs.push([]);
            runs.at(-1)?.push(row.input_ids[t] as number);
          }
          return runs.map((ids) => tokenizer.decode(ids));
        }),
        texts: rows.map((row) => tokenizer.decode(row.input_ids)),
        turns: conversations.reduce(
          (n, c) => n + trainedTurns(c.messages, policy as LossPolicy).filter(Boolean).length,
          0,
        ),
      });
      specs.push({
        tokenizer_file: join(tokenizerDir, "tokenizer.json"),
        bos_token: template.bosToken,
        eos_token: template.eosToken,
        tokenized_path: lf.tokenized?.dir,
        llamafactory_template: template.llamaFactoryTemplate,
        llamafactory_src: llamaFactorySrc ?? null,
        trl_data: trl.dataFile,
        trl_template: trl.templateFile,
        output_dir: join(dir, name, "trl-out"),
      });
    }
    const specFile = join(dir, "specs.json");
    const outFile = join(dir, "result.json");
    writeFileSync(specFile, JSON.stringify(specs));
    // LLaMA-Factory imports torchaudio for audio inputs only; a stub module stands in for it
    const stubs = join(dir, "stubs");
    mkdirSync(stubs, { recursive: true });
    writeFileSync(join(stubs, "torchaudio.py"), "# stub: audio inputs are not used\n");
    await promisify(execFile)(
      python as string,
      [resolve("test/reference/hf_consumers.py"), specFile, outFile],
      {
        timeout: 600_000,
        maxBuffer: 64 * 1024 * 1024,
        // LLaMA-Factory checks its pinned versions at import; the versions here are newer
        env: { ...process.env, PYTHONPATH: stubs, DISABLE_VERSION_CHECK: "1", HF_HUB_OFFLINE: "1" },
      },
    );
    const results = JSON.parse(readFileSync(outFile, "utf8")) as {
      llamafactory: { loader: string; rows: number; columns: string[]; runs: string[][]; batch: unknown };
      trl: { rows: number; runs: string[][]; texts: string[]; loss: number | null };
    }[];
    if (llamaFactorySrc) {
      // LLaMA-Factory's own parser, sharegpt converter and template read the function-calling export
      const lf = exportLlamaFactory({
        conversations: [toolCalling, ...general.slice(0, 2)],
        out: join(dir, "lf-tools"),
        template: builtinTemplates.chatml as ChatTemplate,
        policy: "all-assistant",
      });
      const tokenizerDir = writeTokenizerDir(join(dir, "tok-lf-tools"), byteLevelBpeTokenizer());
      const spec = join(dir, "lf-tools.json");
      writeFileSync(
        spec,
        JSON.stringify({
          dataset_dir: join(dir, "lf-tools"),
          dataset: "agenttune",
          template: "chatml",
          tokenizer_file: join(tokenizerDir, "tokenizer.json"),
          bos_token: "",
          eos_token: "<|im_end|>",
        }),
      );
      await promisify(execFile)(
        python as string,
        [resolve("test/reference/lf_sharegpt.py"), llamaFactorySrc, spec, join(dir, "lf-tools.out.json")],
        {
          timeout: 600_000,
          env: { ...process.env, PYTHONPATH: stubs, DISABLE_VERSION_CHECK: "1", HF_HUB_OFFLINE: "1" },
        },
      );
      const [read] = JSON.parse(readFileSync(join(dir, "lf-tools.out.json"), "utf8")) as {
        skipped: boolean;
        roles: string[];
        text: string;
      }[];
      expect(lf.examples).toBe(3);
      expect(read?.skipped).toBe(false);
      expect(read?.roles).toEqual(["user", "function", "observation", "function"]);
      // the thought, both calls, both results and the tool list, as LLaMA-Factory's chatml prints them
      expect(read?.text).toContain(
        'Thought: count them.\nAction: execute_sql\nAction Input: {"sql": "SELECT COUNT(*) FROM t"}\nAction: execute_sql\nAction Input: {"sql": "SELECT 1"}<|im_end|>',
      );
      expect(read?.text).toContain("[(3,)]\n</tool_response>\n<tool_response>\nnot executed");
      expect(read?.text).toContain("> Tool Name: commit_final_answer");
    }
    for (const [i, [name]] of cases.entries()) {
      const result = results[i];
      const want = expected[i];
      expect(result?.llamafactory.loader).toBe(
        llamaFactorySrc ? "llamafactory.data.loader.get_dataset" : "datasets.load_from_disk",
      );
      expect(result?.llamafactory.columns, name).toEqual(["attention_mask", "input_ids", "labels"]);
      expect(result?.llamafactory.runs, name).toEqual(want?.runs);
      expect(result?.trl.runs, name).toEqual(want?.runs);
      // TRL renders the same text, tool list and tool turns included, from the JSONL and the template
      expect(result?.trl.texts, name).toEqual(want?.texts);
      if (name !== "llama-2") {
        expect(
          want?.texts.some((t) => t.includes('"name": "commit_final_answer"')),
          name,
        ).toBe(true);
        expect(
          want?.runs.flat().filter((r) => r.includes("commit_final_answer")),
          name,
        ).toHaveLength(1);
      }
      expect(want?.runs.flat()).toHaveLength(want?.turns as number);
      expect(result?.llamafactory.batch).toMatchObject({ padded_labels_ignored: true });
      expect(result?.trl.loss, name).toBeGreaterThan(0);
    }
  }, 900_000);
});
