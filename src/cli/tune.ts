// `agenttune tokenize` and `agenttune export`: templates, exact loss masks, engine formats.
import type { Command } from "commander";
import { InputError } from "../core/index.js";
import {
  checkExport,
  exportFile,
  formatExportChecks,
  lossPolicies,
  parseLossPolicy,
  tokenizeFile,
} from "../tune/index.js";
import { positiveInt, trainingActionFormatOption } from "./options.js";

function truncationPolicy(text: string): "drop" | "turns" {
  if (text !== "drop" && text !== "turns")
    throw new InputError(`--truncation "${text}": expected drop or turns`);
  return text;
}

const templateHelp =
  "llama-2 (AgentLM's format and system prompt), chatml, llama-3, or a dir/tokenizer_config.json with chat_template";

export function registerTune(program: Command) {
  program
    .command("tokenize")
    .description(
      "render with the chat template, tokenize and mask (labels -100 off trained turns) → Parquet + stats",
    )
    .requiredOption("--in <path>", "a mix (dir or mixed.jsonl), AgentInstruct or trajectories")
    .requiredOption("--tokenizer <dir>", "model dir with tokenizer.json (and tokenizer_config.json)")
    .option("--template <name>", `${templateHelp}; default: the tokenizer dir's own`)
    .option("--system <text>", "system prompt for conversations without one")
    .option("--loss <policy>", lossPolicies.join("|"), parseLossPolicy, "per-turn")
    .option("--max-length <n>", "longest sequence in tokens", positiveInt)
    .option(
      "--truncation <policy>",
      "over-long conversations: drop, or cut at a turn boundary (turns)",
      truncationPolicy,
      "turns",
    )
    .option("--pack <n>", "pack examples into rows of n tokens", positiveInt)
    .requiredOption("--out <file>", "Parquet file (input_ids, labels, attention_mask)")
    .action(async (opts) => {
      const r = await tokenizeFile({ ...opts, input: opts.in, policy: opts.loss });
      process.stdout.write(
        `${r.examples} examples (${r.truncated} truncated, ${r.dropped} dropped), ${r.tokens} tokens, ${r.trainedTokens} trained (${((100 * r.trainedTokens) / Math.max(1, r.tokens)).toFixed(1)}%), ${r.rows} rows → ${r.out}, stats → ${r.statsFile}\n`,
      );
    });
  program
    .command("export")
    .description(
      "write training data for LLaMA-Factory, TRL or OpenAI fine-tuning, with the loss policy mapped honestly; --check DIR validates an export",
    )
    .option("--in <path>", "a mix (dir or mixed.jsonl), AgentInstruct or trajectories")
    .option("--target <engine>", "llamafactory | trl | openai")
    .option("--out <dir>", "output folder")
    .option("--check <dir>", "validate an export folder against its engine's rules instead of writing one")
    .option("--template <name>", templateHelp, "llama-2")
    .option("--system <text>", "system prompt for conversations without one")
    .option("--loss <policy>", lossPolicies.join("|"), parseLossPolicy, "per-turn")
    .option(
      "--tokenizer <dir>",
      "LLaMA-Factory: the model's tokenizer dir; adds a pre-tokenized dataset (tokenized_path) with exact labels",
    )
    .option("--max-length <n>", "LLaMA-Factory: cutoff_len and longest tokenized sequence", positiveInt)
    .option(
      "--truncation <policy>",
      "tokenized: over-long conversations are dropped or cut at a turn (turns)",
      truncationPolicy,
      "turns",
    )
    .option("--model <name>", "base model (LLaMA-Factory model_name_or_path, OpenAI model)")
    .option("--finetuning <kind>", "LLaMA-Factory: lora or full", "lora")
    .option("--llamafactory-template <name>", "LLaMA-Factory template name for a model's own chat template")
    .option("--name <name>", "dataset name", "agenttune")
    .addOption(trainingActionFormatOption())
    .action(async (opts) => {
      if (opts.check) {
        const checks = checkExport(opts.check);
        process.stdout.write(`${formatExportChecks(checks)}\n`);
        if (checks.some((c) => c.problems.length > 0)) process.exitCode = 1;
        return;
      }
      for (const option of ["in", "target", "out"] as const)
        if (!opts[option]) throw new InputError(`export: --${option} is required (or --check DIR)`);
      const result = await exportFile({ ...opts, input: opts.in, policy: opts.loss });
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    });
}
