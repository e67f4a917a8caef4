// `agenttune collect`: a teacher model acts in an env; trajectories.jsonl is resumable.
import type { Command } from "commander";
import { collectTrajectories, parsePrice } from "../data/index.js";
import {
  actionFormatOption,
  addQueueOptions,
  agentbenchOption,
  interruptSignal,
  positiveInt,
  protocolOption,
  reportIncomplete,
} from "./options.js";

export function registerCollect(program: Command) {
  const command = program
    .command("collect")
    .description(
      "collect trajectories of a teacher model on an env's tasks (resumable: re-run with the same --out)",
    )
    .requiredOption("--env <name>", "environment, e.g. db")
    .requiredOption("--tasks <file>", "task file in the env's format")
    .requiredOption(
      "--model <spec>",
      'teacher: "oracle", "openai:NAME", "http://HOST/v1#NAME", "gguf:PATH", "scripted:FILE"',
    )
    .requiredOption("--out <dir>", "output directory for trajectories.jsonl and summary.json")
    .option("--samples <k>", "trajectories per task", positiveInt, 1)
    .option("--temperature <t>", "sampling temperature", Number, 0)
    .option("--concurrency <n>", "episodes in flight", positiveInt, 4)
    .option(
      "--scripts <dir>",
      "os: folder of the scripts the task file refers to (default: the task file's folder)",
    )
    .option("--backend <spec>", "env backend (db: sqlite, mariadb, mysql://…)")
    .addOption(protocolOption())
    .addOption(actionFormatOption())
    .addOption(agentbenchOption())
    .option("--force-new", "move a previous run in --out aside (renamed, not deleted) and start over")
    .option(
      "--price <in=USD,out=USD>",
      "price per 1M tokens for the cost estimate (known OpenAI models have a default)",
    )
    .option(
      "--max-retries <n>",
      "HTTP models: retries on 429/5xx/network errors",
      (v) => Number.parseInt(v, 10),
      4,
    );
  addQueueOptions(command).action(async (opts) => {
    const signal = interruptSignal();
    const summary = await collectTrajectories({
      ...opts,
      price: opts.price ? parsePrice(opts.price) : undefined,
      modelOptions: { maxRetries: opts.maxRetries },
      signal,
    });
    const usage = summary.usage
      ? `, ${summary.usage.promptTokens} prompt + ${summary.usage.completionTokens} completion tokens`
      : "";
    const cost = summary.costUsd !== undefined ? `, about $${summary.costUsd.toFixed(4)}` : "";
    process.stdout.write(
      `${summary.env}: ${summary.tasks} trajectories, success ${(100 * summary.successRate).toFixed(1)}%${usage}${cost} → ${opts.out}/trajectories.jsonl\n`,
    );
    reportIncomplete(summary, opts.out, signal);
  });
}
