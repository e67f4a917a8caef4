// TRL export: {messages} JSONL for SFTTrainer plus a chat template with {% generation %} markers, which
// TRL's assistant_only_loss needs and few models ship. Our built-in templates get markers around the
// trained turns (per-turn reads each message's `loss`); a model's own template without markers is refused.
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { stringify } from "yaml";
import { InputError, writeJsonlFile } from "../../core/index.js";
import type { ChatTemplate } from "../chat-template.js";
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
 * Each built-in template's assistant output as the template prints it, and the same output split
 * into the role header (not trained, as in TRL's own *_training.jinja templates and in agenttune's
 * Parquet, whose spans start after the generation prompt) and the trained rest.
 */
const assistantOutputs: Record<string, { whole: string; header: string; body: string }> = {
  "llama-2": {
    whole: "{{ ' ' + message['content'] | trim + ' ' + eos_token }}",
    header: "",
    body: "{{ ' ' + message['content'] | trim + ' ' + eos_token }}",
  },
  chatml: {
    whole: "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}",
    header: "{{ '<|im_start|>' + message['role'] + '\\n' }}",
    body: "{{ message['content'] + '<|im_end|>\\n' }}",
  },
  "llama-3": {
    whole:
      "{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' + message['content'] | trim + '<|eot_id|>' }}",
    header: "{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' }}",
    body: "{{ message['content'] | trim + '<|eot_id|>' }}",
  },
};

/**
 * Wraps the trained part of a built-in template's assistant turns in generation markers. Which turns
 * are trained is each message's `loss`, which the export computes for every policy (a condition such
 * as loop.last would leave a conversation that ends on a user turn without a span).
 */
export function withGenerationMarkers(template: ChatTemplate): string {
  if (template.source.includes("{% generation %}")) return template.source;
  const output = assistantOutputs[template.name];
  if (!output || !template.source.includes(output.whole)) {
    throw new InputError(
      `TRL's assistant_only_loss needs {% generation %} markers and the template "${template.name}" has none; use --template llama-2, chatml or llama-3, or the pre-tokenized Parquet (agenttune tokenize)`,
    );
  }
  const marked = `{%- if message['role'] == 'assistant' and message.get('loss', true) -%}${output.header}{% generation %}${output.body}{% endgeneration %}{%- else -%}${output.whole}{%- endif -%}`;
  // ChatML and Llama-3 print every role with one expression; only assistant turns get the markers
  return template.source.replace(output.whole, marked);
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
    // every message carries `loss` so the dataset's columns stay uniform; the template reads it
    records.push({
      messages: [
        ...system,
        ...c.messages.map((m, i) => ({ role: m.role, content: m.content, loss: trained[i] === true })),
      ],
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
