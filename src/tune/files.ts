// File-level entry points of the tune stage (what the CLI commands call).
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { InputError, packageDataFile } from "../core/index.js";
import { type Ablation, buildAblations } from "./ablations.js";
import { loadChatTemplate } from "./chat-template.js";
import {
  type AgentActionFormat,
  type Conversation,
  readAgentConversations,
  readConversations,
  readGeneralConversations,
} from "./conversation.js";
import { exportLlamaFactory, type LlamaFactoryExport } from "./export/llamafactory.js";
import { exportOpenAiFineTuning, type OpenAiExport } from "./export/openai-ft.js";
import { exportTrl, type TrlExport } from "./export/trl.js";
import type { LossPolicy } from "./loss-policy.js";
import { type MixBy, type MixManifest, mixConversations, writeMix } from "./mix.js";
import { writeTokenizedParquet } from "./parquet.js";
import {
  lengthStats,
  packExamples,
  type TokenizeReport,
  type TruncationPolicy,
  tokenizeConversations,
} from "./tokenize.js";
import { loadTokenizer } from "./tokenizer.js";

/** The general-conversation sample shipped with the package (about 100 short multi-turn chats). */
export function bundledGeneralSample(): string {
  const file = packageDataFile("general-sample.jsonl");
  if (file) return file;
  throw new InputError("the bundled general sample (data/general-sample.jsonl) is missing from this install");
}

export interface MixFilesOptions {
  agent: string;
  /** General chats; "sample" (default) is the bundled sample. */
  general?: string;
  eta: number;
  by?: MixBy;
  seed?: number;
  out: string;
  /** Tools-mode trajectories: keep their tool calls (native, default) or write them as ReAct text. */
  actionFormat?: AgentActionFormat;
}

export async function mixFiles({
  agent,
  general = "sample",
  eta,
  by,
  seed,
  out,
  actionFormat,
}: MixFilesOptions): Promise<MixManifest & { file: string }> {
  const generalFile = general === "sample" ? bundledGeneralSample() : general;
  const mix = mixConversations({
    agent: await readAgentConversations(agent, { actionFormat }),
    general: (await readGeneralConversations(generalFile)).conversations,
    eta,
    by,
    seed,
  });
  mix.manifest.sources = { agent, general: generalFile };
  const { file } = writeMix(out, mix);
  return { ...mix.manifest, file };
}

export async function ablationFiles(options: {
  agent: string;
  general?: string;
  out: string;
  by?: MixBy;
  seed?: number;
}): Promise<Ablation[]> {
  const generalFile =
    !options.general || options.general === "sample" ? bundledGeneralSample() : options.general;
  return buildAblations({
    ...options,
    agent: await readAgentConversations(options.agent),
    general: (await readGeneralConversations(generalFile)).conversations,
  });
}

/** Training conversations: a mix (mixed.jsonl / a mix dir) or agent data (AgentInstruct, trajectories). */
export async function readTrainingConversations(
  path: string,
  { actionFormat }: { actionFormat?: AgentActionFormat } = {},
): Promise<Conversation[]> {
  const mixed = existsSync(join(path, "mixed.jsonl")) ? join(path, "mixed.jsonl") : path;
  if (mixed.endsWith("mixed.jsonl")) return readConversations(mixed);
  return readAgentConversations(path, { actionFormat });
}

export interface TokenizeFileOptions {
  input: string;
  tokenizer: string;
  /** Built-in template name, or empty to use the tokenizer dir's own chat_template. */
  template?: string;
  system?: string;
  policy: LossPolicy;
  maxLength?: number;
  truncation?: TruncationPolicy;
  /** Pack examples into rows of this many tokens. */
  pack?: number;
  out: string;
}

export async function tokenizeFile(
  options: TokenizeFileOptions,
): Promise<TokenizeReport & { out: string; rows: number; statsFile: string }> {
  const template = loadChatTemplate(options.template ?? options.tokenizer, { system: options.system });
  const tokenizer = loadTokenizer(options.tokenizer);
  const conversations = await readTrainingConversations(options.input);
  const { examples, report } = tokenizeConversations(conversations, {
    template,
    tokenizer,
    policy: options.policy,
    maxLength: options.maxLength,
    truncation: options.truncation,
  });
  if (conversations.length === 0) throw new InputError(`${options.input}: no conversations to tokenize`);
  if (examples.length === 0)
    throw new InputError(
      `--max-length ${options.maxLength}: all ${conversations.length} conversations were dropped as too long (use --truncation turns, or a larger --max-length)`,
    );
  const rows = options.pack ? packExamples(examples, options.pack) : examples;
  writeTokenizedParquet(options.out, rows);
  const stats = {
    ...report,
    ...(options.pack ? { packed: lengthStats(rows) } : {}),
    rows: rows.length,
    template: template.name,
    policy: options.policy,
  };
  const statsFile = `${options.out.replace(/\.parquet$/, "")}.stats.json`;
  writeFileSync(statsFile, `${JSON.stringify(stats, null, 2)}\n`);
  return { ...report, out: options.out, rows: rows.length, statsFile };
}

export type ExportTarget = "llamafactory" | "trl" | "openai";

export async function exportFile(options: {
  input: string;
  target: ExportTarget;
  out: string;
  template?: string;
  system?: string;
  policy: LossPolicy;
  model?: string;
  finetuning?: "full" | "lora";
  llamaFactoryTemplate?: string;
  name?: string;
  /** LLaMA-Factory: the model's tokenizer dir, for the pre-tokenized dataset with exact labels. */
  tokenizer?: string;
  /** LLaMA-Factory: cutoff_len, and the longest tokenized sequence. */
  maxLength?: number;
  truncation?: TruncationPolicy;
  /** Agent data in tools mode, read directly (not a mix): native tool calls or ReAct text. */
  actionFormat?: AgentActionFormat;
}): Promise<LlamaFactoryExport | TrlExport | OpenAiExport> {
  if (options.tokenizer && options.target !== "llamafactory")
    throw new InputError(
      `--tokenizer is for --target llamafactory (TRL tokenizes with the model's own tokenizer; OpenAI's API does)`,
    );
  const conversations = await readTrainingConversations(options.input, options);
  const template = loadChatTemplate(options.template ?? "llama-2", { system: options.system });
  switch (options.target) {
    case "llamafactory":
      return exportLlamaFactory({
        ...options,
        conversations,
        template,
        tokenizer: options.tokenizer ? loadTokenizer(options.tokenizer) : undefined,
        cutoffLen: options.maxLength,
      });
    case "trl":
      return exportTrl({ ...options, conversations, template });
    case "openai":
      return exportOpenAiFineTuning({ ...options, conversations });
    default:
      throw new InputError(`--target "${options.target}": expected llamafactory, trl or openai`);
  }
}
