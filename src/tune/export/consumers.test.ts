// The exports loaded by the engines' own code, in Python: LLaMA-Factory's get_dataset with tokenized_path
// (loader.py:287-295) and its SFTDataCollatorWith4DAttentionMask (collator.py), and TRL's SFTTrainer with
// assistant_only_loss (sft_trainer.py: tokenize_fn, build_labels) training one step of a tiny random
// Llama. Needs AGENTTUNE_HF_PYTHON (a Python with datasets, transformers, trl, torch; .ci/hf-python
// builds one) and, for LLaMA-Factory's own loader, AGENTTUNE_LLAMAFACTORY_SRC (its src/ folder); without
// that the test uses what its loader calls (datasets.load_from_disk, transformers' DataCollatorForSeq2Seq).
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { backendAvailable } from "../../../test/helpers/backends.js";
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
    const conversations = [...agent, ...general];
    const cases = [
      ["llama-2", sentencePieceBpeTokenizer(), "per-turn"],
      ["chatml", byteLevelBpeTokenizer(), "per-turn"],
      ["llama-3", byteLevelBpeTokenizer(), "last-turn"],
    ] as const;
    const specs = [];
    const expected: { runs: string[][]; turns: number }[] = [];
    for (const [name, tokenizerJson, policy] of cases) {
      const template = builtinTemplates[name] as ChatTemplate;
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
      trl: { rows: number; runs: string[][]; loss: number | null };
    }[];
    for (const [i, [name]] of cases.entries()) {
      const result = results[i];
      const want = expected[i];
      expect(result?.llamafactory.loader).toBe(
        llamaFactorySrc ? "llamafactory.data.loader.get_dataset" : "datasets.load_from_disk",
      );
      expect(result?.llamafactory.columns, name).toEqual(["attention_mask", "input_ids", "labels"]);
      expect(result?.llamafactory.runs, name).toEqual(want?.runs);
      expect(result?.trl.runs, name).toEqual(want?.runs);
      expect(want?.runs.flat()).toHaveLength(want?.turns as number);
      expect(result?.llamafactory.batch).toMatchObject({ padded_labels_ignored: true });
      expect(result?.trl.loss, name).toBeGreaterThan(0);
    }
  }, 900_000);
});
