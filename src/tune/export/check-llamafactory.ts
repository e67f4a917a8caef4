// export --check for LLaMA-Factory: train.yaml, dataset_info.json, the ShareGPT records and a
// tokenized dataset, read as LLaMA-Factory reads them.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { z } from "zod";
import { parseFunctionCallValue } from "../../data/index.js";
import { readHfDatasetDict } from "../hf-dataset.js";
import { ignoreIndex } from "../tokenize.js";
import {
  alternationProblem,
  type ExportCheck,
  type Role,
  readRecordsLoose,
  readYaml,
  str,
} from "./check-common.js";
import { llamaFactoryTemplateNames } from "./llamafactory-templates.js";

/** LLaMA-Factory templates whose tool_call_words are not the default <tool_call> (template.py). */
const toolCallWordsOverridden = new Set(["lfm2", "lfm2_vl"]);

const datasetInfoEntrySchema = z.object({
  file_name: z.string(),
  formatting: z.enum(["alpaca", "sharegpt", "openai"]).default("alpaca"),
  columns: z.record(z.string(), z.string()).default({}),
  tags: z.record(z.string(), z.string()).default({}),
});

export function checkLlamaFactory(config: string): ExportCheck {
  const problems: string[] = [];
  const yaml = readYaml(config, problems);
  const check: ExportCheck = { target: "llamafactory", config, examples: 0, trainedTurns: 0, problems };
  if (!str(yaml.model_name_or_path)) problems.push(`${config}: model_name_or_path: missing`);
  if (yaml.stage !== "sft") problems.push(`${config}: stage: expected sft, got ${String(yaml.stage)}`);
  const template = str(yaml.template);
  if (!template) problems.push(`${config}: template: missing (LLaMA-Factory would use "empty")`);
  else if (!llamaFactoryTemplateNames.has(template))
    problems.push(`${config}: template: "${template}" is not a LLaMA-Factory template (data/template.py)`);
  // parser.py:477: do_train needs `dataset`, even when tokenized_path is what gets loaded
  const datasets = (str(yaml.dataset) ?? "").split(",").filter(Boolean);
  if (datasets.length === 0) problems.push(`${config}: dataset: missing (hparams/parser.py:477)`);
  const datasetDir = resolve(dirname(config), str(yaml.dataset_dir) ?? "data");
  const tokenizedPath = str(yaml.tokenized_path);
  if (tokenizedPath) {
    checkTokenized(resolve(dirname(config), tokenizedPath), check);
  } else {
    for (const name of datasets) checkShareGpt(datasetDir, name, yaml, check);
  }
  return check;
}

function checkShareGpt(datasetDir: string, name: string, yaml: Record<string, unknown>, check: ExportCheck) {
  const { problems } = check;
  const infoFile = join(datasetDir, "dataset_info.json");
  if (!existsSync(infoFile)) {
    problems.push(`${infoFile}: not found (dataset_dir)`);
    return;
  }
  let info: Record<string, unknown>;
  try {
    info = JSON.parse(readFileSync(infoFile, "utf8")) as Record<string, unknown>;
  } catch (error) {
    problems.push(`${infoFile}: invalid JSON: ${(error as Error).message}`);
    return;
  }
  const parsed = datasetInfoEntrySchema.safeParse(info[name]);
  if (!parsed.success) {
    problems.push(`${infoFile}: ${name}: ${info[name] ? "invalid entry" : "undefined dataset"}`);
    return;
  }
  const entry = parsed.data;
  if (entry.formatting !== "sharegpt") {
    problems.push(
      `${infoFile}: ${name}: formatting ${entry.formatting} is not checked (agenttune writes sharegpt)`,
    );
    return;
  }
  // defaults of data/parser.py's DatasetAttr for sharegpt
  const messagesColumn = entry.columns.messages ?? "conversations";
  const systemColumn = entry.columns.system;
  const tag = (key: string, fallback: string) => entry.tags[key] ?? fallback;
  const [roleTag, contentTag] = [tag("role_tag", "from"), tag("content_tag", "value")];
  // converter.py:144-145: observations take the user's (odd) places, function calls the assistant's
  const functionTag = tag("function_tag", "function_call");
  const roleOf: Record<string, Role> = {
    [tag("user_tag", "human")]: "user",
    [tag("observation_tag", "observation")]: "user",
    [tag("assistant_tag", "gpt")]: "assistant",
    [functionTag]: "assistant",
    [tag("system_tag", "system")]: "system",
  };
  const toolsColumn = entry.columns.tools;
  const template = str(yaml.template) ?? "";
  const maskHistory = yaml.mask_history === true;
  for (const { where, value } of readRecordsLoose(join(datasetDir, entry.file_name), problems)) {
    const record = value as Record<string, unknown>;
    // converter.py:156 indexes the declared system column: a record without it raises KeyError
    if (systemColumn && !(systemColumn in record)) {
      problems.push(`${where}: no "${systemColumn}" key (columns.system; converter.py:156 raises KeyError)`);
      continue;
    }
    const messages = record[messagesColumn];
    if (!Array.isArray(messages)) {
      problems.push(`${where}: "${messagesColumn}" is not a list`);
      continue;
    }
    const roles = messages.map((m) => roleOf[String((m as Record<string, unknown>)[roleTag])]);
    if (roles.some((r) => r === undefined) || messages.some((m) => typeof m[contentTag] !== "string")) {
      problems.push(`${where}: a message without a known "${roleTag}" or a string "${contentTag}"`);
      continue;
    }
    if (toolsColumn && !(toolsColumn in record)) {
      problems.push(`${where}: no "${toolsColumn}" key (columns.tools; converter.py:222 raises KeyError)`);
      continue;
    }
    const tools = toolsColumn ? record[toolsColumn] : "";
    // formatter.py:151-155: ToolFormatter json.loads a non-empty tools value and stops the run on bad JSON
    if (typeof tools === "string" && tools !== "") {
      try {
        if (!Array.isArray(JSON.parse(tools))) problems.push(`${where}: tools: not a JSON list`);
      } catch {
        problems.push(`${where}: tools: not JSON (formatter.py:155 stops the run)`);
      }
    } else if (tools !== "" && tools !== null && tools !== undefined)
      problems.push(`${where}: tools: expected a JSON string`);
    const calls = messages.filter((m) => (m as Record<string, unknown>)[roleTag] === functionTag);
    if (calls.length > 0 && toolCallWordsOverridden.has(template))
      problems.push(
        `${where}: template ${template} reads calls between its own tool_call_words (template.py), not <tool_call>: the thought before a call breaks its JSON`,
      );
    for (const call of calls) {
      try {
        // formatter.py:102-138: the JSON between the tool-call words (or the whole value) must parse
        parseFunctionCallValue(String((call as Record<string, unknown>)[contentTag]), where);
      } catch (error) {
        problems.push(`${(error as Error).message} (formatter.py:110)`);
      }
    }
    // converter.py:161 and :173 skip (silently, with a warning) examples that do not alternate
    const problem = alternationProblem(roles as Role[]);
    if (problem) problems.push(`${where}: ${problem}; LLaMA-Factory skips it (converter.py:161-180)`);
    check.examples++;
    check.trainedTurns += maskHistory ? 1 : roles.filter((r) => r === "assistant").length;
  }
}

function checkTokenized(dir: string, check: ExportCheck) {
  const { problems } = check;
  let splits: ReturnType<typeof readHfDatasetDict>;
  try {
    splits = readHfDatasetDict(dir);
  } catch (error) {
    problems.push(`tokenized_path ${(error as Error).message}`);
    return;
  }
  // data_utils.py:138: the train split is what gets trained
  if (!splits.train) problems.push(`${dir}: no "train" split (data_utils.py:138)`);
  for (const [split, rows] of Object.entries(splits)) {
    for (const [i, row] of rows.entries()) {
      const where = `${join(dir, split)} row ${i}`;
      const n = row.input_ids.length;
      if (n === 0 || row.labels.length !== n || row.attention_mask.length !== n) {
        problems.push(`${where}: input_ids, labels and attention_mask differ in length or are empty`);
        continue;
      }
      if (row.attention_mask.some((m) => m !== 1)) problems.push(`${where}: attention_mask is not all 1`);
      let spans = 0;
      const wrong = row.labels.findIndex((label, t) => label !== ignoreIndex && label !== row.input_ids[t]);
      if (wrong >= 0)
        problems.push(
          `${where}: labels[${wrong}] is ${row.labels[wrong]}, neither -100 nor input_ids[${wrong}]`,
        );
      for (let t = 0; t < n; t++)
        if (row.labels[t] !== ignoreIndex && (t === 0 || row.labels[t - 1] === ignoreIndex)) spans++;
      if (spans === 0) problems.push(`${where}: no trained token (every label is -100)`);
      if (split === "train") {
        check.examples++;
        check.trainedTurns += spans;
      }
    }
  }
}
