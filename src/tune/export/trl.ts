// TRL export: {messages} JSONL for SFTTrainer plus a chat template with {% generation %} markers, which
// TRL's assistant_only_loss needs and few models ship. Our built-in templates get markers around the
// trained turns (per-turn reads each message's `loss`); a model's own template without markers is refused.
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { stringify } from "yaml";
import { InputError, openAiTool, writeJsonlFile } from "../../core/index.js";
import { builtinSources, type ChatTemplate, hfMessage, rendersToolCalls } from "../chat-template.js";
import type { Conversation } from "../conversation.js";
import { type LossPolicy, trainedTurns } from "../loss-policy.js";
import { type AlternationReport, enforceAlternation } from "./alternation.js";

export interface TrlExport {
  dataFile: string;
  templateFile: string;
  /** `trl sft --config FILE` (TRL's YAML: SFTConfig + ModelConfig + DatasetMixtureConfig fields). */
  configFile: string;
  examples: number;
  /** Conversations left out: no trained assistant turn (TRL stops the whole run on one). */
  skipped: number;
  alternation: AlternationReport;
}

/**
 * The template with TRL's generation markers around the trained part of each assistant turn (its body,
 * after the role header, as in TRL's own *_training.jinja templates and agenttune's Parquet spans). Which
 * turns are trained is each message's `loss`, which the export computes for every policy (a condition such
 * as loop.last would leave a conversation that ends on a user turn without a span).
 */
export function withGenerationMarkers(template: ChatTemplate): string {
  if (template.source.includes("{% generation %}")) return template.source;
  const source = builtinSources[template.name];
  if (!source || source(false) !== template.source) {
    throw new InputError(
      `TRL's assistant_only_loss needs {% generation %} markers and the template "${template.name}" has none; use --template llama-2, chatml or llama-3, or the pre-tokenized Parquet (agenttune tokenize)`,
    );
  }
  return source(true);
}

export function exportTrl({
  conversations,
  out,
  template,
  policy,
  name = "agenttune",
  model = "meta-llama/Llama-2-7b-chat-hf",
}: {
  conversations: readonly Conversation[];
  out: string;
  template: ChatTemplate;
  policy: LossPolicy;
  name?: string;
  /** model_name_or_path for the config. */
  model?: string;
}): TrlExport {
  const source = withGenerationMarkers(template);
  const withCalls = conversations.find((c) => c.messages.some((m) => m.toolCalls?.length));
  if (withCalls && !rendersToolCalls(template))
    throw new InputError(
      `${withCalls.id} has tool calls and the template "${template.name}" has no format for them: use --template chatml or llama-3, a model's own template that renders tools, or --action-format react`,
    );
  const anyTools = conversations.some((c) => c.tools?.length);
  mkdirSync(out, { recursive: true });
  const dataFile = resolve(out, `${name}.trl.jsonl`);
  const { conversations: alternating, report: alternation } = enforceAlternation(conversations);
  let skipped = 0;
  const records = [];
  for (const c of alternating) {
    const trained = trainedTurns(c.messages, policy);
    // TRL raises on an example without assistant tokens (sft_trainer.py:1522): leave it out, counted
    if (!trained.some(Boolean)) {
      skipped++;
      continue;
    }
    const system =
      template.defaultSystem && c.messages[0]?.role !== "system"
        ? [{ role: "system", content: template.defaultSystem, loss: false }]
        : [];
    // every message carries `loss` so the dataset's columns stay uniform; the template reads it. Tool
    // calls are in the documented shape (arguments an object), and `tools` a JSON string, which
    // tokenize_fn parses (sft_trainer.py:1458-1459) and every `datasets` version loads as one column
    records.push({
      messages: [...system, ...c.messages.map((m, i) => ({ ...hfMessage(m), loss: trained[i] === true }))],
      ...(anyTools ? { tools: JSON.stringify(c.tools?.length ? c.tools.map(openAiTool) : []) } : {}),
    });
  }
  writeJsonlFile(dataFile, records);
  const templateFile = resolve(out, "chat_template.jinja");
  writeFileSync(templateFile, source);
  // `trl sft --config` (trl/scripts/sft.py:82-95) loads data through `datasets` (DatasetMixtureConfig,
  // trl/scripts/utils.py:81) or `dataset_name`; a local JSONL is datasets.load_dataset("json", data_files)
  const configFile = resolve(out, "trl_sft_config.yaml");
  writeFileSync(
    configFile,
    stringify({
      model_name_or_path: model,
      datasets: [{ path: "json", data_files: dataFile, split: "train" }],
      chat_template_path: templateFile,
      assistant_only_loss: true,
      max_length: 4096,
      num_train_epochs: 2,
      learning_rate: 5.0e-5,
      output_dir: resolve(out, "saves", `${name}-trl`),
    }),
  );
  return { dataFile, templateFile, configFile, examples: records.length, skipped, alternation };
}
