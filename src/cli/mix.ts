// `agenttune mix`: agent data mixed with general chat at share eta.
import type { Command } from "commander";
import { ablationFiles, mixFiles } from "../tune/index.js";
import { share, trainingActionFormatOption } from "./options.js";

const by = (v: string) => {
  if (v !== "examples" && v !== "tokens") throw new Error("expected examples or tokens");
  return v;
};

export function registerMix(program: Command) {
  program
    .command("mix")
    .description(
      "mix agent trajectories with general chats so agent data is the eta share (AgentTuning: 0.2)",
    )
    .requiredOption("--agent <path>", "agent data: AgentInstruct (file or dir) or trajectories")
    .option(
      "--general <file>",
      'general chats: ShareGPT JSON/JSONL, OpenAI chat or HF conversational JSONL; "sample" = the bundled 101 chats',
      "sample",
    )
    .requiredOption("--eta <share>", "agent share, 0..1", share)
    .option("--by <unit>", "what eta counts: examples or tokens (approx.)", by, "examples")
    .option("--seed <n>", "sampling seed", (v) => Number.parseInt(v, 10), 1)
    .requiredOption("--out <dir>", "writes mixed.jsonl and manifest.json")
    .addOption(trainingActionFormatOption())
    .action(async (opts) => {
      const m = await mixFiles(opts);
      process.stdout.write(
        `${m.counts.agent} agent + ${m.counts.general} general = ${m.counts.total} examples, agent share ${(100 * m.agentShare).toFixed(1)}% by ${m.by}${m.limitedBy ? " (general data ran short: agent data cut)" : ""} → ${m.file}\n`,
      );
    });
  program
    .command("ablations")
    .description("the paper's analyses as datasets: eta 0, 0.2, 0.5, 1.0 and leave-one-env-out mixes")
    .requiredOption("--agent <path>", "agent data")
    .option("--general <file>", "general chats", "sample")
    .option("--by <unit>", "examples or tokens", by, "examples")
    .option("--seed <n>", "sampling seed", (v) => Number.parseInt(v, 10), 1)
    .requiredOption("--out <dir>", "one folder per ablation and ablations.yaml")
    .action(async (opts) => {
      for (const a of await ablationFiles(opts)) {
        process.stdout.write(
          `${a.name}: ${a.skipped ? `skipped (${a.skipped})` : `${a.manifest?.counts.agent} agent + ${a.manifest?.counts.general} general`}\n`,
        );
      }
    });
}
