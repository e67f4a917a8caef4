// export --check for TRL: trl_sft_config.yaml, its chat template's generation markers and the
// conversations they mark as trained.
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { Template } from "@huggingface/jinja";
import {
  alternationProblem,
  type ExportCheck,
  type Role,
  readRecordsLoose,
  readYaml,
  str,
} from "./check-common.js";

const generationOpen = "\u{F0000}";
const generationClose = "\u{F0001}";

/** The template with its generation markers turned into characters, to find the trained spans. */
function markerTemplate(source: string): Template {
  return new Template(
    source
      .replace(/\{%-?\s*generation\s*-?%\}/g, `{{ '${generationOpen}' }}`)
      .replace(/\{%-?\s*endgeneration\s*-?%\}/g, `{{ '${generationClose}' }}`),
  );
}

export function checkTrl(config: string): ExportCheck {
  const problems: string[] = [];
  const yaml = readYaml(config, problems);
  const check: ExportCheck = { target: "trl", config, examples: 0, trainedTurns: 0, problems };
  const base = dirname(config);
  if (!str(yaml.model_name_or_path)) problems.push(`${config}: model_name_or_path: missing`);
  // trl/scripts/sft.py:82-95: `datasets` (DatasetMixtureConfig) or `dataset_name`
  const datasets = Array.isArray(yaml.datasets) ? (yaml.datasets as Record<string, unknown>[]) : [];
  if (datasets.length === 0 && !str(yaml.dataset_name))
    problems.push(`${config}: neither datasets nor dataset_name (trl/scripts/sft.py stops)`);
  let template: Template | undefined;
  const templatePath = str(yaml.chat_template_path);
  if (yaml.assistant_only_loss === true) {
    const file = templatePath ? resolve(base, templatePath) : undefined;
    if (!file || !existsSync(file)) {
      problems.push(`${config}: assistant_only_loss needs chat_template_path with {% generation %} markers`);
    } else {
      const source = readFileSync(file, "utf8");
      if (!/\{%-?\s*generation\s*-?%\}/.test(source))
        problems.push(
          `${file}: no {% generation %} markers: assistant_only_loss cannot find assistant tokens`,
        );
      else template = markerTemplate(source);
    }
  }
  for (const dataset of datasets) {
    const files = [dataset.data_files].flat().filter((f): f is string => typeof f === "string");
    if (dataset.path !== "json" || files.length === 0) {
      problems.push(`${config}: datasets: only local json data_files are checked`);
      continue;
    }
    for (const file of files) {
      for (const { where, value } of readRecordsLoose(
        isAbsolute(file) ? file : resolve(base, file),
        problems,
      )) {
        const messages = (value as { messages?: unknown }).messages;
        if (!Array.isArray(messages)) {
          problems.push(`${where}: no "messages" list`);
          continue;
        }
        const problem = alternationProblem(messages.map((m) => (m as { role: Role }).role));
        if (problem) problems.push(`${where}: ${problem}`);
        check.examples++;
        if (!template) continue;
        const text = template.render({
          messages,
          bos_token: "<s>",
          eos_token: "</s>",
          add_generation_prompt: false,
        });
        const spans = text
          .split(generationOpen)
          .slice(1)
          .map((part) => part.split(generationClose)[0] ?? "");
        const trained = spans.filter((s) => s.length > 0).length;
        // sft_trainer.py:1522: an example whose assistant mask is all zero stops the whole run
        if (trained === 0) problems.push(`${where}: no trained assistant tokens (TRL raises on it)`);
        check.trainedTurns += trained;
      }
    }
  }
  return check;
}
