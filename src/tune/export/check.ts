// `agenttune export --check DIR`: reads an export the way its engine will and lists what would break
// or silently train the wrong tokens, before hours of GPU time are spent. Each rule names the engine
// code it comes from.
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { Template } from "@huggingface/jinja";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { InputError } from "../../core/index.js";
import { openAiChatRecordSchema, parseFunctionCallValue } from "../../data/index.js";
import { readHfDatasetDict } from "../hf-dataset.js";
import { ignoreIndex } from "../tokenize.js";
import { llamaFactoryTemplateNames } from "./llamafactory-templates.js";

export type CheckedTarget = "llamafactory" | "trl" | "openai";

export interface ExportCheck {
  target: CheckedTarget;
  /** The file the check started from (training config). */
  config: string;
  examples: number;
  /** Trained assistant turns (spans of trained tokens) over all examples. */
  trainedTurns: number;
  /** One line each: `file[:line]: what breaks`. Empty when the export is fine. */
  problems: string[];
}

/** Checks every export found in `dir` (LLaMA-Factory train.yaml, trl_sft_config.yaml, openai.yaml). */
export function checkExport(dir: string): ExportCheck[] {
  if (!existsSync(dir)) throw new InputError(`--check ${dir}: not found`);
  const checks: ExportCheck[] = [];
  if (existsSync(join(dir, "train.yaml"))) checks.push(checkLlamaFactory(join(dir, "train.yaml")));
  if (existsSync(join(dir, "trl_sft_config.yaml"))) checks.push(checkTrl(join(dir, "trl_sft_config.yaml")));
  if (existsSync(join(dir, "openai.yaml"))) checks.push(checkOpenAi(join(dir, "openai.yaml")));
  if (checks.length === 0)
    throw new InputError(
      `--check ${dir}: no export found (expected train.yaml, trl_sft_config.yaml or openai.yaml from agenttune export)`,
    );
  return checks;
}

type Role = "system" | "user" | "assistant" | "tool";

/** The alternation every engine needs: optional system, then user/assistant turns, ending on assistant. */
export function alternationProblem(roles: readonly Role[]): string | undefined {
  const all = roles[0] === "system" ? roles.slice(1) : roles;
  // tool results answer the assistant turn before them; the assistant turn after continues that exchange
  const turns: Role[] = [];
  for (const [i, role] of all.entries()) {
    if (role !== "tool") {
      turns.push(role);
      continue;
    }
    const before = all[i - 1];
    if (before !== "assistant" && before !== "tool")
      return `turn ${i + 1} is a tool result that answers no assistant call`;
    if (before === "assistant") turns.pop();
  }
  if (turns.includes("system")) return "a system message after the first turn";
  if (turns.length === 0) return "no turns";
  for (const [i, role] of turns.entries())
    if (role !== (i % 2 === 0 ? "user" : "assistant"))
      return `turn ${i + 1} is ${role}: roles must alternate user/assistant, starting with user`;
  if (turns.at(-1) !== "assistant") return "ends on a user turn";
  return undefined;
}

function readYaml(file: string, problems: string[]): Record<string, unknown> {
  try {
    const value = parseYaml(readFileSync(file, "utf8")) as unknown;
    if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
    problems.push(`${file}: not a YAML mapping`);
  } catch (error) {
    problems.push(`${file}: invalid YAML: ${(error as Error).message}`);
  }
  return {};
}

/** Records of a JSON array or JSONL file, each with its line (JSONL) or index (array) for messages. */
function readRecordsLoose(file: string, problems: string[]): { where: string; value: unknown }[] {
  if (!existsSync(file)) {
    problems.push(`${file}: not found`);
    return [];
  }
  const text = readFileSync(file, "utf8");
  if (text.trimStart().startsWith("[")) {
    try {
      return (JSON.parse(text) as unknown[]).map((value, i) => ({ where: `${file}[${i}]`, value }));
    } catch (error) {
      problems.push(`${file}: invalid JSON: ${(error as Error).message}`);
      return [];
    }
  }
  const records = [];
  for (const [i, line] of text.split("\n").entries()) {
    if (line.trim() === "") continue;
    try {
      records.push({ where: `${file}:${i + 1}`, value: JSON.parse(line) as unknown });
    } catch (error) {
      problems.push(`${file}:${i + 1}: invalid JSON: ${(error as Error).message}`);
    }
  }
  return records;
}

/** LLaMA-Factory templates whose tool_call_words are not the default <tool_call> (template.py). */
const toolCallWordsOverridden = new Set(["lfm2", "lfm2_vl"]);

const str = (value: unknown) => (typeof value === "string" ? value : undefined);

// ---- LLaMA-Factory ---------------------------------------------------------------------------------

const datasetInfoEntrySchema = z.object({
  file_name: z.string(),
  formatting: z.enum(["alpaca", "sharegpt", "openai"]).default("alpaca"),
  columns: z.record(z.string(), z.string()).default({}),
  tags: z.record(z.string(), z.string()).default({}),
});

function checkLlamaFactory(config: string): ExportCheck {
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

// ---- TRL -------------------------------------------------------------------------------------------

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

function checkTrl(config: string): ExportCheck {
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

// ---- OpenAI ----------------------------------------------------------------------------------------

function checkOpenAi(config: string): ExportCheck {
  const problems: string[] = [];
  const yaml = readYaml(config, problems);
  const check: ExportCheck = { target: "openai", config, examples: 0, trainedTurns: 0, problems };
  if (!str(yaml.model)) problems.push(`${config}: model: missing`);
  const method = yaml.method as { type?: unknown } | undefined;
  if (yaml.hyperparameters !== undefined)
    problems.push(`${config}: top-level hyperparameters are deprecated: put them in method.supervised`);
  if (method !== undefined && method.type !== "supervised")
    problems.push(`${config}: method.type: agenttune exports supervised data, got ${String(method.type)}`);
  const trainingFile = str(yaml.training_file);
  if (!trainingFile) {
    problems.push(`${config}: training_file: missing`);
    return check;
  }
  for (const { where, value } of readRecordsLoose(resolve(dirname(config), trainingFile), problems)) {
    const parsed = openAiChatRecordSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      problems.push(`${where}: ${issue?.path.join(".")}: ${issue?.message}`);
      continue;
    }
    const { messages } = parsed.data;
    const problem = alternationProblem(messages.map((m) => m.role));
    if (problem) problems.push(`${where}: ${problem}`);
    if (messages.some((m) => m.role !== "assistant" && m.weight !== undefined))
      problems.push(`${where}: weight on a non-assistant message (only assistant messages take weight)`);
    const trained = messages.filter((m) => m.role === "assistant" && m.weight !== 0).length;
    if (trained === 0) problems.push(`${where}: every assistant message has weight 0: nothing to train`);
    problems.push(...openAiToolProblems(parsed.data).map((p) => `${where}: ${p}`));
    check.examples++;
    check.trainedTurns += trained;
  }
  return check;
}

/**
 * Function-calling rules of OpenAI's chat format: each tool result answers a call of the assistant turn
 * before it, by id; each call's arguments are JSON; each call names a tool the example lists.
 */
function openAiToolProblems(record: z.infer<typeof openAiChatRecordSchema>): string[] {
  const problems: string[] = [];
  const names = new Set(record.tools?.map((t) => String(t.function.name)));
  let open = new Set<string>();
  for (const [i, m] of record.messages.entries()) {
    if (m.role === "tool") {
      if (!m.tool_call_id || !open.has(m.tool_call_id))
        problems.push(
          `messages[${i}]: tool_call_id ${JSON.stringify(m.tool_call_id)} answers no call before it`,
        );
      open.delete(m.tool_call_id ?? "");
      continue;
    }
    if (open.size > 0) problems.push(`messages[${i}]: calls ${[...open].join(", ")} have no tool result`);
    open = new Set(m.tool_calls?.map((c) => c.id));
    for (const call of m.tool_calls ?? []) {
      if (!names.has(call.function.name))
        problems.push(`messages[${i}]: calls ${call.function.name}, which the example's tools do not list`);
      try {
        JSON.parse(call.function.arguments);
      } catch {
        problems.push(`messages[${i}]: the arguments of ${call.function.name} are not JSON`);
      }
    }
  }
  return problems;
}

/** Lines for the terminal: one summary per export, then its problems (the first `limit`). */
export function formatExportChecks(checks: readonly ExportCheck[], limit = 20): string {
  const lines: string[] = [];
  for (const c of checks) {
    const verdict = c.problems.length === 0 ? "ok" : `${c.problems.length} problems`;
    lines.push(
      `${c.target}: ${c.examples} examples, ${c.trainedTurns} trained turns: ${verdict} (${c.config})`,
    );
    for (const p of c.problems.slice(0, limit)) lines.push(`  ${p}`);
    if (c.problems.length > limit) lines.push(`  … ${c.problems.length - limit} more`);
  }
  return lines.join("\n");
}
