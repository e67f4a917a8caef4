// TRL export: {messages} JSONL for SFTTrainer plus a chat template with {% generation %} markers, which
// TRL's assistant_only_loss needs and few models ship. Our built-in templates get markers around the
// trained turns (per-turn reads each message's `loss`); a model's own template without markers is refused.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { InputError, writeJsonlFile } from "../../core/index.js";
import type { ChatTemplate } from "../chat-template.js";
import type { Conversation } from "../conversation.js";
import { type LossPolicy, trainedTurns } from "../loss-policy.js";

export interface TrlExport {
  dataFile: string;
  templateFile: string;
  configFile: string;
  examples: number;
}

/** The condition under which an assistant turn is trained, in the template's Jinja. */
const trainedCondition: Record<LossPolicy, string> = {
  "all-assistant": "true",
  "last-turn": "loop.last",
  "per-turn": "message.get('loss', true)",
};

/** Wraps the assistant part of a built-in template in generation markers under the policy's condition. */
export function withGenerationMarkers(template: ChatTemplate, policy: LossPolicy): string {
  if (template.source.includes("{% generation %}")) return template.source;
  const assistantOutputs: Record<string, string> = {
    "llama-2": "{{ ' ' + message['content'] | trim + ' ' + eos_token }}",
    chatml: "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}",
    "llama-3":
      "{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' + message['content'] | trim + '<|eot_id|>' }}",
  };
  const output = assistantOutputs[template.name];
  if (!output || !template.source.includes(output)) {
    throw new InputError(
      `TRL's assistant_only_loss needs {% generation %} markers and the template "${template.name}" has none; use --template llama-2, chatml or llama-3, or the pre-tokenized Parquet (agenttune tokenize)`,
    );
  }
  const condition = trainedCondition[policy];
  const marked = `{%- if message['role'] == 'assistant' and (${condition}) -%}{% generation %}${output}{% endgeneration %}{%- else -%}${output}{%- endif -%}`;
  // ChatML and Llama-3 print every role with one expression; only assistant turns get the markers
  return template.source.replace(output, marked);
}

export function exportTrl({
  conversations,
  out,
  template,
  policy,
  name = "agenttune",
}: {
  conversations: readonly Conversation[];
  out: string;
  template: ChatTemplate;
  policy: LossPolicy;
  name?: string;
}): TrlExport {
  const source = withGenerationMarkers(template, policy);
  mkdirSync(out, { recursive: true });
  const dataFile = join(out, `${name}.trl.jsonl`);
  // every message carries `loss` so the dataset's columns stay uniform; the template reads it
  writeJsonlFile(
    dataFile,
    conversations.map((c) => {
      const trained = trainedTurns(c.messages, policy);
      const system =
        template.defaultSystem && c.messages[0]?.role !== "system"
          ? [{ role: "system", content: template.defaultSystem, loss: false }]
          : [];
      return {
        messages: [
          ...system,
          ...c.messages.map((m, i) => ({ role: m.role, content: m.content, loss: trained[i] === true })),
        ],
      };
    }),
  );
  const templateFile = join(out, "chat_template.jinja");
  writeFileSync(templateFile, source);
  const configFile = join(out, "trl_sft_config.json");
  writeFileSync(
    configFile,
    `${JSON.stringify({ dataset_path: dataFile, chat_template_path: templateFile, assistant_only_loss: true, max_length: 4096, num_train_epochs: 2, learning_rate: 5e-5 }, null, 2)}\n`,
  );
  return { dataFile, templateFile, configFile, examples: conversations.length };
}
