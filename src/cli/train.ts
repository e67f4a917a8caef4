// `agenttune train`: LLaMA-Factory as a child process, or an OpenAI-compatible fine-tuning job.
import type { Command } from "commander";
import { InputError } from "../core/index.js";
import { launchLlamaFactory, launchOpenAiFineTuning } from "../tune/index.js";
import { positiveInt } from "./options.js";

export function registerTrain(program: Command) {
  program
    .command("train")
    .description("train on a real engine: llamafactory (llamafactory-cli train) or openai (fine-tuning API)")
    .requiredOption("--engine <engine>", "llamafactory | openai")
    .requiredOption(
      "--config <file>",
      "llamafactory: train.yaml; openai: openai.yaml (both written by `agenttune export`)",
    )
    .option("--dry-run", "print the command instead of running it (llamafactory)")
    .option("--nproc <n>", "GPUs per node (torchrun)", positiveInt)
    .option("--nnodes <n>", "nodes (torchrun)", positiveInt)
    .option("--node-rank <n>", "this node's rank", (v) => Number.parseInt(v, 10))
    .option("--master-addr <host>", "rendezvous host")
    .option("--master-port <port>", "rendezvous port", positiveInt)
    .option("--deepspeed <file>", "DeepSpeed config JSON for LLaMA-Factory")
    .option("--base-url <url>", "openai: API base URL (default OPENAI_BASE_URL or OpenAI)")
    .option("--poll <seconds>", "openai: poll interval", positiveInt, 10)
    .action(async (opts) => {
      if (opts.engine === "llamafactory") {
        const launch = await launchLlamaFactory(opts);
        if (opts.dryRun) {
          process.stdout.write(`${launch.command}\n`);
          return;
        }
        process.stderr.write(`agenttune: ${launch.command} exited with code ${launch.exitCode}\n`);
        process.exitCode = launch.exitCode;
        return;
      }
      if (opts.engine === "openai") {
        const result = await launchOpenAiFineTuning({
          config: opts.config,
          baseURL: opts.baseUrl,
          pollMs: opts.poll * 1000,
        });
        if (result.status !== "succeeded") process.exitCode = 1;
        return;
      }
      throw new InputError(`--engine "${opts.engine}": expected llamafactory or openai`);
    });
}
