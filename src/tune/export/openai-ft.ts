// OpenAI fine-tuning export: chat JSONL with weight 0/1 on assistant turns, which expresses every policy.
import { mkdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { stringify } from "yaml";
import { messagesToOpenAiChat, writeOpenAiChat } from "../../data/index.js";
import type { Conversation } from "../conversation.js";
import { type LossPolicy, trainedTurns } from "../loss-policy.js";
import { type AlternationReport, enforceAlternation } from "./alternation.js";

export interface OpenAiExport {
  dataFile: string;
  /** Settings for `agenttune train --engine openai --config`. */
  config: string;
  examples: number;
  /** Conversations left out: no trained assistant turn under the policy. */
  skipped: number;
  /** The same alternation rules as the other exports: merged, trimmed and rejected conversations. */
  alternation: AlternationReport;
}

export function exportOpenAiFineTuning({
  conversations,
  out,
  policy,
  model = "gpt-4o-mini-2024-07-18",
  name = "agenttune",
}: {
  conversations: readonly Conversation[];
  out: string;
  policy: LossPolicy;
  model?: string;
  name?: string;
}): OpenAiExport {
  mkdirSync(out, { recursive: true });
  let skipped = 0;
  const records = [];
  const { conversations: alternating, report: alternation } = enforceAlternation(conversations);
  for (const c of alternating) {
    const trained = trainedTurns(c.messages, policy);
    if (!trained.some(Boolean)) {
      skipped++;
      continue;
    }
    records.push(
      messagesToOpenAiChat(
        c.messages.map((m, i) => (m.role === "assistant" ? { ...m, loss: trained[i] } : m)),
        c.tools,
      ),
    );
  }
  const dataFile = join(out, `${name}.openai.jsonl`);
  writeOpenAiChat(dataFile, records);
  const config = join(out, "openai.yaml");
  writeFileSync(
    config,
    stringify({
      training_file: basename(dataFile),
      model,
      suffix: name,
      method: { type: "supervised", supervised: { hyperparameters: { n_epochs: 2 } } },
    }),
  );
  return { dataFile, config, examples: records.length, skipped, alternation };
}
