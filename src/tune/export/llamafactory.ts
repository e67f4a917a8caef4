// LLaMA-Factory export: sharegpt-formatted data, its dataset_info.json entry, and an SFT training YAML.
// Its sharegpt loader trains every assistant turn (switches: train_on_prompt, mask_history) and has no
// per-turn loss flag. With the model's tokenizer, the export also writes the conversations tokenized by
// agenttune (labels -100 off the untrained turns) as a `datasets` folder the YAML names in
// `tokenized_path`, which LLaMA-Factory loads instead of tokenizing (loader.py:287-295): exact for every
// policy. Without one, a per-turn policy with untrained turns is refused with the alternatives named.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { stringify } from "yaml";
import { InputError } from "../../core/index.js";
import { shareGptTools, shareGptTurns } from "../../data/index.js";
import type { ChatTemplate } from "../chat-template.js";
import type { Conversation } from "../conversation.js";
import { writeHfDatasetDict } from "../hf-dataset.js";
import type { LossPolicy } from "../loss-policy.js";
import { type TokenizeReport, type TruncationPolicy, tokenizeConversations } from "../tokenize.js";
import type { TextTokenizer } from "../tokenizer.js";
import { type AlternationReport, enforceAlternation } from "./alternation.js";

export interface LlamaFactoryExportOptions {
  conversations: readonly Conversation[];
  out: string;
  template: ChatTemplate;
  policy: LossPolicy;
  /** Dataset name in dataset_info.json. */
  name?: string;
  /** model_name_or_path for the YAML (AgentLM started from Llama-2-chat). */
  model?: string;
  finetuning?: "full" | "lora";
  /** LLaMA-Factory template name; needed when the chat template is a model's own. */
  llamaFactoryTemplate?: string;
  cutoffLen?: number;
  /** The model's tokenizer: write the pre-tokenized dataset with exact labels (tokenized_path). */
  tokenizer?: TextTokenizer;
  /** Over-long conversations in the tokenized dataset (longer than cutoffLen): drop or cut at a turn. */
  truncation?: TruncationPolicy;
}

export interface LlamaFactoryExport {
  dataFile: string;
  datasetInfo: string;
  trainYaml: string;
  examples: number;
  alternation: AlternationReport;
  /** How the loss policy maps onto LLaMA-Factory's switches. */
  policyNote: string;
  /** The pre-tokenized dataset (with a tokenizer): its folder and what tokenizing did. */
  tokenized?: TokenizeReport & { dir: string };
}

export function exportLlamaFactory({
  conversations,
  out,
  template,
  policy,
  name = "agenttune",
  model = "meta-llama/Llama-2-7b-chat-hf",
  finetuning = "lora",
  llamaFactoryTemplate = template.llamaFactoryTemplate,
  cutoffLen = 4096,
  tokenizer,
  truncation = "turns",
}: LlamaFactoryExportOptions): LlamaFactoryExport {
  if (!llamaFactoryTemplate) {
    throw new InputError(
      `the chat template "${template.name}" has no LLaMA-Factory name: pass --llamafactory-template NAME`,
    );
  }
  const untrained = conversations.filter((c) =>
    c.messages.some((m) => m.role === "assistant" && m.loss === false),
  );
  if (!tokenizer && policy === "per-turn" && untrained.length > 0) {
    throw new InputError(
      `LLaMA-Factory's sharegpt loader cannot express --loss per-turn: ${untrained.length} conversations have assistant turns with loss false (e.g. ${untrained[0]?.id}), and it would train them. Pass the model's --tokenizer DIR for a pre-tokenized dataset with exact labels, or use --loss all-assistant or last-turn`,
    );
  }
  const { conversations: alternating, report: alternation } = enforceAlternation(conversations);
  const anyTools = alternating.some((c) => c.tools?.length);
  const records = alternating.map((c) => {
    const system = c.messages[0]?.role === "system" ? c.messages[0].content : template.defaultSystem;
    const turns = c.messages.filter((m) => m.role !== "system");
    // every record has the columns dataset_info.json declares: LLaMA-Factory indexes them
    // (converter.py:156, :222); "" falls back to the template's default system (template.py:144) and
    // means no tools (template.py:151)
    return {
      conversations: shareGptTurns(turns),
      system: system ?? "",
      ...(anyTools ? { tools: c.tools?.length ? shareGptTools(c.tools) : "" } : {}),
    };
  });
  mkdirSync(out, { recursive: true });
  const dataFile = join(out, `${name}.json`);
  writeFileSync(dataFile, JSON.stringify(records));
  const datasetInfo = join(out, "dataset_info.json");
  const info = existsSync(datasetInfo)
    ? (JSON.parse(readFileSync(datasetInfo, "utf8")) as Record<string, unknown>)
    : {};
  info[name] = {
    file_name: `${name}.json`,
    formatting: "sharegpt",
    columns: { messages: "conversations", system: "system", ...(anyTools ? { tools: "tools" } : {}) },
    // observation_tag and function_tag are LLaMA-Factory's defaults (parser.py DatasetAttr), written out
    tags: {
      role_tag: "from",
      content_tag: "value",
      user_tag: "human",
      assistant_tag: "gpt",
      observation_tag: "observation",
      function_tag: "function_call",
    },
  };
  writeFileSync(datasetInfo, `${JSON.stringify(info, null, 2)}\n`);
  const tokenized = tokenizer
    ? writeTokenized({ conversations: alternating, out, template, tokenizer, policy, cutoffLen, truncation })
    : undefined;
  const maskHistory = policy === "last-turn" && !tokenized;
  const trainYaml = join(out, "train.yaml");
  const config = {
    model_name_or_path: model,
    stage: "sft",
    do_train: true,
    finetuning_type: finetuning,
    ...(finetuning === "lora" ? { lora_target: "all", lora_rank: 8 } : {}),
    // `dataset` is required even when tokenized_path is loaded instead (parser.py:477)
    dataset: name,
    dataset_dir: resolve(out),
    ...(tokenized ? { tokenized_path: tokenized.dir } : {}),
    template: llamaFactoryTemplate,
    cutoff_len: cutoffLen,
    train_on_prompt: false,
    mask_history: maskHistory,
    overwrite_cache: true,
    preprocessing_num_workers: 8,
    output_dir: resolve(out, "saves", `${name}-${finetuning}`),
    logging_steps: 10,
    save_steps: 500,
    plot_loss: true,
    per_device_train_batch_size: 1,
    gradient_accumulation_steps: 8,
    learning_rate: finetuning === "lora" ? 1.0e-4 : 5.0e-5,
    num_train_epochs: 2.0,
    lr_scheduler_type: "cosine",
    warmup_ratio: 0.1,
    bf16: true,
  };
  writeFileSync(trainYaml, stringify(config));
  const policyNote = tokenized
    ? `${policy} → exact labels in the pre-tokenized dataset (tokenized_path): ${tokenized.trainedTokens} of ${tokenized.tokens} tokens trained${tokenized.truncated ? `; ${tokenized.truncated} conversations cut at a turn to fit ${cutoffLen} tokens` : ""}${tokenized.dropped ? `; ${tokenized.dropped} dropped` : ""}`
    : policy === "last-turn"
      ? "last-turn → mask_history: true (only the last assistant turn is trained)"
      : untrained.length > 0
        ? `all-assistant → every assistant turn is trained, including ${untrained.length} conversations' turns flagged loss false`
        : "all assistant turns are trained (mask_history: false, train_on_prompt: false)";
  return {
    dataFile,
    datasetInfo,
    trainYaml,
    examples: records.length,
    alternation,
    policyNote,
    ...(tokenized ? { tokenized } : {}),
  };
}

function writeTokenized({
  conversations,
  out,
  template,
  tokenizer,
  policy,
  cutoffLen,
  truncation,
}: {
  conversations: readonly Conversation[];
  out: string;
  template: ChatTemplate;
  tokenizer: TextTokenizer;
  policy: LossPolicy;
  cutoffLen: number;
  truncation: TruncationPolicy;
}): TokenizeReport & { dir: string } {
  // a tokenizer of another model family splits the template's markers into pieces: refuse it early
  for (const token of [template.eosToken, template.bosToken].filter(Boolean)) {
    if (tokenizer.encode(token).length !== 1)
      throw new InputError(
        `--tokenizer: "${token}" of the chat template "${template.name}" is not one token in this tokenizer; pass the tokenizer of the model the template is for`,
      );
  }
  const { examples, report } = tokenizeConversations(conversations, {
    template,
    tokenizer,
    policy,
    maxLength: cutoffLen,
    truncation,
  });
  if (examples.length === 0)
    throw new InputError(
      `nothing to train: all ${conversations.length} conversations were dropped (no trained turn, or longer than ${cutoffLen} tokens)`,
    );
  // LLaMA-Factory's collator pads every column it is given, so only the three it knows are written
  const dir = resolve(out, "tokenized");
  writeHfDatasetDict(dir, { train: examples });
  return { ...report, dir };
}
