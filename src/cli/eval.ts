// `agenttune eval`: evaluate a model on an env's tasks.
import type { Command } from "commander";
import { formatResultsTable, runEval } from "../eval/index.js";
import { interruptSignal, positiveInt } from "./options.js";

export function registerEval(program: Command) {
  program
    .command("eval")
    .description("evaluate a model on an environment's tasks (resumable: re-run with the same --out)")
    .requiredOption("--env <name>", "environment, e.g. db")
    .requiredOption("--tasks <file>", "task file in the env's format (db: AgentBench dbbench JSONL)")
    .requiredOption(
      "--model <spec>",
      'model: "oracle", "openai:NAME", "http://HOST/v1#NAME", "gguf:PATH", "scripted:FILE"',
    )
    .requiredOption("--out <dir>", "output directory for results.jsonl and summary.json")
    .option(
      "--backend <spec>",
      "db: sqlite (default), mariadb (start a private server) or mysql://user:pass@host:port",
    )
    .option("--concurrency <n>", "episodes in flight", positiveInt, 4)
    .option("--limit <n>", "only the first N tasks", positiveInt)
    .option(
      "--max-retries <n>",
      "HTTP models: retries on 429/5xx/network errors",
      (v) => Number.parseInt(v, 10),
      4,
    )
    .option("--timeout <seconds>", "HTTP models: per-request timeout", positiveInt, 120)
    .option(
      "--max-prompt-tokens <n>",
      "drop the oldest turns (never the instructions) beyond this prompt size",
      positiveInt,
    )
    .option("--round-limit <n>", "db: SQL operations before the answer is due (AgentBench: 5)", positiveInt)
    .action(async (opts) => {
      const signal = interruptSignal();
      const summary = await runEval({
        ...opts,
        modelOptions: { maxRetries: opts.maxRetries, timeoutMs: opts.timeout * 1000 },
        signal,
      });
      process.stdout.write(`${formatResultsTable([summary], Object.keys(summary.metrics))}\n`);
      process.stdout.write(`results: ${opts.out}/results.jsonl, summary: ${opts.out}/summary.json\n`);
      if (signal.aborted) process.exitCode = 130;
    });
}
