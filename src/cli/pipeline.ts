// `agenttune pipeline`: the whole data chain for several envs from one YAML config, resumable.
import type { Command } from "commander";
import { readPipelineConfig, runPipeline } from "../data/index.js";
import { interruptSignal } from "./options.js";

export function registerPipeline(program: Command) {
  program
    .command("pipeline")
    .description(
      "generate → collect → filter → (rationale) → (decontam) → AgentInstruct + stats, from a config",
    )
    .requiredOption("--config <file>", "agenttune.yaml (see README)")
    .option("--out <dir>", "override the config's output folder")
    .action(async (opts) => {
      const config = readPipelineConfig(opts.config);
      const signal = interruptSignal();
      const result = await runPipeline({ config: { ...config, out: opts.out ?? config.out }, signal });
      if (!result.complete) process.exitCode = signal.aborted ? 130 : 3;
    });
}
