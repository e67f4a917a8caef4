import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";
import { Template } from "@huggingface/jinja";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { Message } from "../../core/index.js";
import { builtinTemplates, type ChatTemplate, renderChat, renderWithSpans } from "../chat-template.js";
import type { Conversation } from "../conversation.js";
import { readHfDatasetDict, type TokenizedRow, writeHfDatasetDict } from "../hf-dataset.js";
import { startMockFineTuningServer } from "../test-helpers/mock-fine-tuning-server.js";
import { sentencePieceBpeTokenizer, writeTokenizerDir } from "../test-helpers/tiny-tokenizers.js";
import { loadTokenizer } from "../tokenizer.js";
import { launchLlamaFactory, launchOpenAiFineTuning } from "../train.js";
import { enforceAlternation } from "./alternation.js";
import { checkExport } from "./check.js";
import { exportLlamaFactory } from "./llamafactory.js";
import { exportOpenAiFineTuning } from "./openai-ft.js";
import { exportTrl, withGenerationMarkers } from "./trl.js";

const dir = mkdtempSync(join(tmpdir(), "export-"));
const agentMessages: Message[] = [
  { role: "user", content: "instructions" },
  { role: "assistant", content: "Ok.", loss: false },
  { role: "user", content: "the task" },
  { role: "assistant", content: "Action: Operation\n```sql\nSELECT 1\n```" },
  { role: "user", content: "[(1,)]" },
  { role: "assistant", content: 'Action: Answer\nFinal Answer: ["1"]' },
];
const agent: Conversation = { id: "db_0", source: "agent", env: "db", messages: agentMessages };
const general: Conversation = {
  id: "g0",
  source: "general",
  messages: [
    { role: "user", content: "hi" },
    { role: "assistant", content: "hello" },
  ],
};
const llama2 = builtinTemplates["llama-2"] as NonNullable<(typeof builtinTemplates)["llama-2"]>;

describe("alternation", () => {
  it("merges same-role neighbours, trims a trailing user turn, rejects the rest, and counts all", () => {
    const { conversations, report } = enforceAlternation([
      {
        id: "merge",
        source: "general",
        messages: [
          { role: "user", content: "a" },
          { role: "user", content: "b" },
          { role: "assistant", content: "c" },
        ],
      },
      {
        id: "trim",
        source: "general",
        messages: [
          { role: "user", content: "a" },
          { role: "assistant", content: "b" },
          { role: "user", content: "c" },
        ],
      },
      {
        id: "starts-with-assistant",
        source: "general",
        messages: [
          { role: "assistant", content: "a" },
          { role: "user", content: "b" },
        ],
      },
      general,
    ]);
    expect(conversations.map((c) => c.id)).toEqual(["merge", "trim", "g0"]);
    expect(conversations[0]?.messages[0]?.content).toBe("a\n\nb");
    expect(report).toEqual({
      merged: 1,
      trimmed: 1,
      rejected: [{ id: "starts-with-assistant", reason: "starts with an assistant turn" }],
    });
  });
});

describe("LLaMA-Factory export", () => {
  it("writes sharegpt data, a dataset_info entry and a training YAML with the template and system prompt", () => {
    const out = join(dir, "lf");
    writeFileSync(join(dir, "placeholder"), "");
    const result = exportLlamaFactory({
      conversations: [agent, general],
      out,
      template: llama2,
      policy: "all-assistant",
      finetuning: "lora",
    });
    const data = JSON.parse(readFileSync(result.dataFile, "utf8"));
    expect(data[0].conversations.map((t: { from: string }) => t.from)).toEqual([
      "human",
      "gpt",
      "human",
      "gpt",
      "human",
      "gpt",
    ]);
    expect(data[0].system).toBe("You are a helpful, respectful and honest assistant.");
    const info = JSON.parse(readFileSync(result.datasetInfo, "utf8")).agenttune;
    expect(info).toMatchObject({
      file_name: "agenttune.json",
      formatting: "sharegpt",
      tags: { user_tag: "human", assistant_tag: "gpt" },
    });
    const yaml = parse(readFileSync(result.trainYaml, "utf8"));
    expect(yaml).toMatchObject({
      stage: "sft",
      template: "llama2",
      finetuning_type: "lora",
      dataset: "agenttune",
      mask_history: false,
    });
    expect(result.policyNote).toMatch(/including 1 conversations' turns flagged loss false/);
  });

  it("loads in LLaMA-Factory's sharegpt converter for every built-in template (with and without a system prompt)", () => {
    for (const template of Object.values(builtinTemplates)) {
      const out = join(dir, `lf-${template.name}`);
      const result = exportLlamaFactory({
        conversations: [agent, general],
        out,
        template,
        policy: "all-assistant",
      });
      const info = JSON.parse(readFileSync(result.datasetInfo, "utf8")).agenttune;
      // LLaMA-Factory ff6d4d1 src/llamafactory/data/converter.py:156 reads
      // example[self.dataset_attr.system] whenever columns.system is declared: a record without the
      // key raises KeyError; template.py:144 then takes `system or self.default_system`
      const data = JSON.parse(readFileSync(result.dataFile, "utf8")) as Record<string, unknown>[];
      for (const record of data) expect(Object.keys(record), template.name).toContain(info.columns.system);
      expect(data.map((r) => typeof r[info.columns.system])).toEqual(["string", "string"]);
    }
    // LLaMA-Factory's "chatml" template (template.py:779) is agenttune's chatml; its "qwen" would add
    // Qwen's default system prompt to every example
    expect(builtinTemplates.chatml?.llamaFactoryTemplate).toBe("chatml");
  });

  it("maps last-turn to mask_history and refuses per-turn it cannot express, naming the alternatives", () => {
    const result = exportLlamaFactory({
      conversations: [agent],
      out: join(dir, "lf-last"),
      template: llama2,
      policy: "last-turn",
    });
    expect(parse(readFileSync(result.trainYaml, "utf8")).mask_history).toBe(true);
    expect(() =>
      exportLlamaFactory({
        conversations: [agent],
        out: join(dir, "lf-x"),
        template: llama2,
        policy: "per-turn",
      }),
    ).toThrow(
      /cannot express --loss per-turn: 1 conversations .*--tokenizer DIR for a pre-tokenized dataset/,
    );
    // per-turn without any untrained turn is the same as all-assistant
    expect(
      exportLlamaFactory({
        conversations: [general],
        out: join(dir, "lf-y"),
        template: llama2,
        policy: "per-turn",
      }).examples,
    ).toBe(1);
  });
});

describe("LLaMA-Factory pre-tokenized export", () => {
  const tokenizerDir = writeTokenizerDir(join(dir, "tok-sp"), sentencePieceBpeTokenizer());
  const tokenizer = loadTokenizer(tokenizerDir);
  /** Each run of trained tokens (label ≠ -100), decoded (SentencePiece's decoder drops a leading space). */
  const trainedRuns = (row: TokenizedRow | undefined) => {
    const runs: number[][] = [];
    for (const [t, label] of (row?.labels ?? []).entries()) {
      if (label === -100) continue;
      if (t === 0 || row?.labels[t - 1] === -100) runs.push([]);
      runs.at(-1)?.push(row?.input_ids[t] as number);
    }
    return runs.map((ids) => tokenizer.decode(ids));
  };

  it("writes labels for exactly the per-turn turns and points tokenized_path at them, keeping `dataset`", () => {
    const result = exportLlamaFactory({
      conversations: [agent, general],
      out: join(dir, "lf-tok"),
      template: llama2,
      policy: "per-turn",
      tokenizer,
    });
    const yaml = parse(readFileSync(result.trainYaml, "utf8"));
    // loader.py:287-295 loads tokenized_path and ignores the data arguments, but parser.py:477 still
    // requires `dataset`; mask_history would act only on LLaMA-Factory's own tokenization
    expect(yaml).toMatchObject({
      tokenized_path: result.tokenized?.dir,
      dataset: "agenttune",
      mask_history: false,
    });
    const [agentRow, generalRow] = readHfDatasetDict(yaml.tokenized_path).train ?? [];
    // "Ok." (loss false) is not trained; the two actions are, each with its end token
    expect(trainedRuns(agentRow)).toEqual([
      "Action: Operation\n```sql\nSELECT 1\n``` </s>",
      'Action: Answer\nFinal Answer: ["1"] </s>',
    ]);
    expect(trainedRuns(generalRow)).toEqual(["hello </s>"]);
    expect(result.policyNote).toMatch(/^per-turn → exact labels in the pre-tokenized dataset/);
  });

  it("last-turn and all-assistant labels follow the policy, not LLaMA-Factory's switches", () => {
    const trained = (policy: "last-turn" | "all-assistant") => {
      const result = exportLlamaFactory({
        conversations: [agent],
        out: join(dir, `lf-tok-${policy}`),
        template: llama2,
        policy,
        tokenizer,
      });
      return trainedRuns(readHfDatasetDict(result.tokenized?.dir as string).train?.[0]);
    };
    expect(trained("last-turn")).toEqual(['Action: Answer\nFinal Answer: ["1"] </s>']);
    expect(trained("all-assistant")).toHaveLength(3);
    expect(trained("all-assistant")[0]).toBe("Ok. </s>");
  });

  it("refuses a tokenizer that does not know the template's special tokens", () => {
    // a Llama-2 style tokenizer without ChatML's added tokens: "<|im_end|>" becomes several pieces
    const llama2Only = sentencePieceBpeTokenizer() as { added_tokens: { content: string }[] };
    const withoutChatMl = {
      ...llama2Only,
      added_tokens: llama2Only.added_tokens.filter((t) => !t.content.startsWith("<|")),
    };
    expect(() =>
      exportLlamaFactory({
        conversations: [agent],
        out: join(dir, "lf-bad-tok"),
        template: builtinTemplates.chatml as ChatTemplate,
        policy: "per-turn",
        tokenizer: loadTokenizer(writeTokenizerDir(join(dir, "tok-no-chatml"), withoutChatMl)),
      }),
    ).toThrow(/"<\|im_end\|>" of the chat template "chatml" is not one token in this tokenizer/);
  });
});

describe("export --check", () => {
  const conversations = [agent, general];
  const exportAll = (name: string) => {
    const base = join(dir, "check", name);
    return {
      lf: exportLlamaFactory({
        conversations,
        out: join(base, "lf"),
        template: llama2,
        policy: "all-assistant",
      }),
      tok: exportLlamaFactory({
        conversations,
        out: join(base, "tok"),
        template: llama2,
        policy: "per-turn",
        tokenizer: loadTokenizer(writeTokenizerDir(join(base, "t"), sentencePieceBpeTokenizer())),
      }),
      trl: exportTrl({ conversations, out: join(base, "trl"), template: llama2, policy: "per-turn" }),
      openai: exportOpenAiFineTuning({ conversations, out: join(base, "openai"), policy: "per-turn" }),
      base,
    };
  };

  it("passes agenttune's own exports and counts the turns each trains", () => {
    const { base } = exportAll("good");
    const counts = ["lf", "tok", "trl", "openai"].map((d) => {
      const [check] = checkExport(join(base, d));
      expect(check?.problems, d).toEqual([]);
      return [check?.target, check?.trainedTurns];
    });
    // all-assistant trains "Ok." too; per-turn does not
    expect(counts).toEqual([
      ["llamafactory", 4],
      ["llamafactory", 3],
      ["trl", 3],
      ["openai", 3],
    ]);
  });

  it("finds what each engine would break on or train wrongly, naming file and line", () => {
    const { lf, tok, trl, openai } = exportAll("bad");
    // LLaMA-Factory: a record without the declared system column (converter.py:156), one that does not
    // alternate (converter.py:161), and a template name it does not register
    const records = JSON.parse(readFileSync(lf.dataFile, "utf8"));
    delete records[0].system;
    records[1].conversations.push({ from: "human", value: "more?" });
    writeFileSync(lf.dataFile, JSON.stringify(records));
    writeFileSync(
      lf.trainYaml,
      readFileSync(lf.trainYaml, "utf8").replace("template: llama2", "template: llama-2"),
    );
    expect(checkExport(join(dir, "check", "bad", "lf"))[0]?.problems).toEqual([
      expect.stringMatching(/train\.yaml: template: "llama-2" is not a LLaMA-Factory template/),
      expect.stringMatching(/agenttune\.json\[0\]: no "system" key .*KeyError/),
      expect.stringMatching(/agenttune\.json\[1\]: ends on a user turn; LLaMA-Factory skips it/),
    ]);
    // tokenized: a label that is not its input id, and a row with nothing trained
    const rows = readHfDatasetDict(tok.tokenized?.dir as string).train ?? [];
    const [first, second] = rows as [TokenizedRow, TokenizedRow];
    first.labels[first.labels.findIndex((l) => l !== -100)] = 7;
    second.labels = second.labels.map(() => -100);
    writeHfDatasetDict(tok.tokenized?.dir as string, { train: rows });
    expect(checkExport(join(dir, "check", "bad", "tok"))[0]?.problems).toEqual([
      expect.stringMatching(/tokenized\/train row 0: labels\[\d+\] is 7, neither -100 nor input_ids/),
      expect.stringMatching(/tokenized\/train row 1: no trained token/),
    ]);
    // TRL: an example whose turns are all loss false has no generation span (sft_trainer.py:1522)
    const trlLines = readFileSync(trl.dataFile, "utf8").trim().split("\n");
    const untrained = JSON.parse(trlLines[1] as string);
    for (const m of untrained.messages) m.loss = false;
    writeFileSync(trl.dataFile, `${trlLines[0]}\n${JSON.stringify(untrained)}\n`);
    expect(checkExport(join(dir, "check", "bad", "trl"))[0]?.problems).toEqual([
      expect.stringMatching(/agenttune\.trl\.jsonl:2: no trained assistant tokens \(TRL raises on it\)/),
    ]);
    writeFileSync(trl.templateFile, llama2.source);
    expect(checkExport(join(dir, "check", "bad", "trl"))[0]?.problems).toEqual([
      expect.stringMatching(/chat_template\.jinja: no \{% generation %\} markers/),
    ]);
    // OpenAI: weight on a user message, nothing trained, deprecated top-level hyperparameters
    const lines = readFileSync(openai.dataFile, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    lines[0].messages[0].weight = 1;
    for (const m of lines[1].messages) if (m.role === "assistant") m.weight = 0;
    writeFileSync(openai.dataFile, `${lines.map((l) => JSON.stringify(l)).join("\n")}\n`);
    writeFileSync(openai.config, `${readFileSync(openai.config, "utf8")}hyperparameters: {n_epochs: 3}\n`);
    expect(checkExport(join(dir, "check", "bad", "openai"))[0]?.problems).toEqual([
      expect.stringMatching(/openai\.yaml: top-level hyperparameters are deprecated/),
      expect.stringMatching(/agenttune\.openai\.jsonl:1: weight on a non-assistant message/),
      expect.stringMatching(/agenttune\.openai\.jsonl:2: every assistant message has weight 0/),
    ]);
    expect(() => checkExport(join(dir, "check", "bad"))).toThrow(/no export found/);
  });
});

describe("TRL export", () => {
  it("marks exactly the tokens agenttune's Parquet trains: each trained turn after its role header", () => {
    for (const name of ["llama-2", "chatml", "llama-3"] as const) {
      const template = builtinTemplates[name] as typeof llama2;
      const marked = withGenerationMarkers(template);
      // our Jinja has no generation tag: make the markers visible to check where they are
      const visible = new Template(
        marked.replaceAll("{% generation %}", "⟦").replaceAll("{% endgeneration %}", "⟧"),
      );
      const messages = agentMessages.map((m) => ({
        ...m,
        loss: m.role === "assistant" ? m.loss !== false : false,
      }));
      const text = visible.render({
        messages,
        bos_token: template.bosToken,
        eos_token: template.eosToken,
        default_system: "",
        add_generation_prompt: false,
      });
      const trained = [...text.matchAll(/⟦([\s\S]*?)⟧/g)].map((m) => m[1]);
      // the Parquet's spans (renderWithSpans) start after the generation prompt, i.e. the header, as
      // TRL's own trl/chat_templates/llama3_training.jinja:9-12 keeps the header outside the block
      const plain = { ...template, defaultSystem: undefined };
      const { text: rendered, spans } = renderWithSpans(plain, agentMessages);
      const expected = spans
        .filter((sp) => messages[sp.message]?.loss)
        .map((sp) => rendered.slice(sp.start, sp.end));
      expect(trained, name).toEqual(expected);
      expect(trained.some((t) => t?.includes("<|im_start|>") || t?.includes("<|start_header_id|>"))).toBe(
        false,
      );
      expect(text.replace(/[⟦⟧]/g, "")).toBe(renderChat(plain, agentMessages));
    }
  });

  it("writes messages with loss on each, skips what TRL would abort on, and a config `trl sft` loads", () => {
    const endsOnUser: Conversation = {
      id: "u",
      source: "general",
      messages: [...general.messages, { role: "user", content: "and?" }],
    };
    const untrained: Conversation = {
      id: "none",
      source: "agent",
      messages: [
        { role: "user", content: "x" },
        { role: "assistant", content: "Ok.", loss: false },
      ],
    };
    const result = exportTrl({
      conversations: [agent, endsOnUser, untrained],
      out: join(dir, "trl"),
      template: llama2,
      policy: "per-turn",
    });
    const records = readFileSync(result.dataFile, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { messages: { role: string; loss: boolean }[] });
    expect(records[0]?.messages.map((m) => m.loss)).toEqual([false, false, false, false, true, false, true]);
    // the trailing user turn is trimmed (its conversation keeps a trained turn); the conversation with
    // no trained turn is left out: TRL raises on one (trl/trainer/sft_trainer.py:1522)
    expect(records[1]?.messages.at(-1)?.role).toBe("assistant");
    expect([result.examples, result.skipped, result.alternation.trimmed]).toEqual([2, 1, 1]);
    // `trl sft --config`: fields of ModelConfig (model_config.py:81 model_name_or_path),
    // DatasetMixtureConfig (scripts/utils.py:121 datasets: list of {path, data_files, split}) and
    // SFTConfig (sft_config.py:171 chat_template_path, :205 max_length, :273 assistant_only_loss)
    const config = parse(readFileSync(result.configFile, "utf8"));
    expect(config).toMatchObject({
      model_name_or_path: "meta-llama/Llama-2-7b-chat-hf",
      datasets: [{ path: "json", data_files: result.dataFile, split: "train" }],
      chat_template_path: result.templateFile,
      assistant_only_loss: true,
    });
    expect(config).not.toHaveProperty("dataset_path");
    expect(isAbsolute(config.datasets[0].data_files)).toBe(true);
    const own = { ...llama2, name: "tokenizer_config.json", source: "{{ messages[0]['content'] }}" };
    expect(() =>
      exportTrl({ conversations: [agent], out: join(dir, "trl-x"), template: own, policy: "per-turn" }),
    ).toThrow(/needs \{% generation %\} markers/);
  });
});

describe("OpenAI fine-tuning export", () => {
  it("expresses every policy with weights", () => {
    for (const [policy, weights] of [
      ["per-turn", [0, 1, 1]],
      ["all-assistant", [1, 1, 1]],
      ["last-turn", [0, 0, 1]],
    ] as const) {
      const result = exportOpenAiFineTuning({
        conversations: [agent],
        out: join(dir, `oai-${policy}`),
        policy,
      });
      const record = JSON.parse(readFileSync(result.dataFile, "utf8"));
      expect(
        record.messages
          .filter((m: { role: string }) => m.role === "assistant")
          .map((m: { weight: number }) => m.weight),
      ).toEqual(weights);
    }
  });
});

describe("train", () => {
  it("runs llamafactory-cli with the config, streams its output and reports its exit code", async () => {
    const lf = exportLlamaFactory({
      conversations: [agent, general],
      out: join(dir, "lf-run"),
      template: llama2,
      policy: "all-assistant",
    });
    // a stub engine that checks the config it is given, like the real one would read it
    const stub = join(dir, "llamafactory-cli");
    writeFileSync(
      stub,
      `#!/usr/bin/env node
const fs = require("fs");
const [cmd, config] = process.argv.slice(2);
if (cmd !== "train") { console.error("expected train"); process.exit(2); }
const text = fs.readFileSync(config, "utf8");
const dir = /dataset_dir: (.*)/.exec(text)[1];
const info = JSON.parse(fs.readFileSync(dir + "/dataset_info.json", "utf8"));
const data = JSON.parse(fs.readFileSync(dir + "/" + info.agenttune.file_name, "utf8"));
console.log("stub: " + data.length + " examples, template " + /template: (.*)/.exec(text)[1] + ", torchrun " + (process.env.FORCE_TORCHRUN || "0"));
process.exit(data.length === 2 ? 0 : 3);
`,
    );
    chmodSync(stub, 0o755);
    let output = "";
    const launch = await launchLlamaFactory({
      config: lf.trainYaml,
      executable: stub,
      nproc: 2,
      onOutput: (c) => (output += c),
    });
    expect(launch.exitCode).toBe(0);
    expect(output).toContain("stub: 2 examples, template llama2, torchrun 1");
    const dry = await launchLlamaFactory({
      config: lf.trainYaml,
      nproc: 8,
      nnodes: 2,
      nodeRank: 1,
      masterAddr: "10.0.0.1",
      dryRun: true,
    });
    expect(dry.command).toBe(
      `FORCE_TORCHRUN=1 NPROC_PER_NODE=8 NNODES=2 NODE_RANK=1 MASTER_ADDR=10.0.0.1 llamafactory-cli train ${lf.trainYaml}`,
    );
    await expect(
      launchLlamaFactory({ config: lf.trainYaml, executable: join(dir, "missing-cli") }),
    ).rejects.toThrow(/not found on PATH/);
  });

  it("sends a legacy config's top-level hyperparameters inside the supervised method", async () => {
    const server = await startMockFineTuningServer();
    try {
      const exported = exportOpenAiFineTuning({
        conversations: [general],
        out: join(dir, "oai-legacy"),
        policy: "per-turn",
      });
      writeFileSync(
        exported.config,
        `training_file: agenttune.openai.jsonl\nmodel: m\nhyperparameters:\n  n_epochs: 3\n`,
      );
      await launchOpenAiFineTuning({
        config: exported.config,
        baseURL: server.baseURL,
        apiKey: "k",
        pollMs: 5,
        onEvent: () => {},
      });
      expect(server.jobs[0]).toEqual({
        training_file: "file-1",
        model: "m",
        method: { type: "supervised", supervised: { hyperparameters: { n_epochs: 3 } } },
      });
    } finally {
      await server.close();
    }
  });

  it("applies the alternation rules: no example starts with an assistant turn, repeats a role or ends on a user turn", () => {
    const odd: Conversation[] = [
      {
        id: "a",
        source: "general",
        messages: [
          { role: "assistant", content: "x" },
          { role: "user", content: "y" },
        ],
      },
      {
        id: "b",
        source: "general",
        messages: [
          { role: "user", content: "1" },
          { role: "user", content: "2" },
          { role: "assistant", content: "3" },
          { role: "user", content: "4" },
        ],
      },
    ];
    const exported = exportOpenAiFineTuning({
      conversations: odd,
      out: join(dir, "oai-alt"),
      policy: "per-turn",
    });
    const records = readFileSync(exported.dataFile, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { messages: { role: string; content: string }[] });
    expect(records.map((r) => r.messages.map((m) => `${m.role}:${m.content}`))).toEqual([
      ["user:1\n\n2", "assistant:3"],
    ]);
    expect(exported.alternation).toEqual({
      merged: 1,
      trimmed: 1,
      rejected: [{ id: "a", reason: "starts with an assistant turn" }],
    });
  });

  it("stops polling with a clear error when the API returns something that is not a job", async () => {
    const server = await startMockFineTuningServer({ statuses: ["running", "<html>gateway</html>"] });
    try {
      const exported = exportOpenAiFineTuning({
        conversations: [agent, general],
        out: join(dir, "oai-bad"),
        policy: "per-turn",
      });
      await expect(
        launchOpenAiFineTuning({
          config: exported.config,
          baseURL: server.baseURL,
          apiKey: "k",
          pollMs: 5,
          onEvent: () => {},
        }),
      ).rejects.toThrow(/returned something that is not a fine-tuning job/);
    } finally {
      await server.close();
    }
  });

  it("uploads the file, creates the job, and streams events until it ends (OpenAI-compatible API)", async () => {
    const server = await startMockFineTuningServer();
    try {
      const exported = exportOpenAiFineTuning({
        conversations: [agent, general],
        out: join(dir, "oai-run"),
        policy: "per-turn",
      });
      const lines: string[] = [];
      const result = await launchOpenAiFineTuning({
        config: exported.config,
        baseURL: server.baseURL,
        apiKey: "k",
        pollMs: 5,
        onEvent: (l) => lines.push(l),
      });
      expect(result).toMatchObject({
        status: "succeeded",
        fineTunedModel: "ft:agenttune:1",
        fileId: "file-1",
      });
      expect(server.uploads[0]).toMatchObject({ purpose: "fine-tune" });
      expect(server.uploads[0]?.content.trim().split("\n")).toHaveLength(2);
      // openai-node resources/fine-tuning/jobs/jobs.d.ts: JobCreateParams.method {type, supervised:
      // {hyperparameters}}; the top-level hyperparameters field is deprecated
      expect(server.jobs[0]).toMatchObject({
        training_file: "file-1",
        model: "gpt-4o-mini-2024-07-18",
        suffix: "agenttune",
        method: { type: "supervised", supervised: { hyperparameters: { n_epochs: 2 } } },
      });
      expect(server.jobs[0]).not.toHaveProperty("hyperparameters");
      expect(lines).toContain("[info] step 3: succeeded");
      expect(lines.at(-1)).toBe("job ftjob-1: succeeded → ft:agenttune:1");
    } finally {
      await server.close();
    }
  });
});
