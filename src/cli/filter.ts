// `agenttune filter`: keep trajectories fit for training; rejected ones are written with reasons.
import type { Command } from "commander";
import { filterRules, filterTrajectories, formatFilterReport, parseRules } from "../data/index.js";

export function registerFilter(program: Command) {
  program
    .command("filter")
    .description("keep trajectories with enough reward and a clean format; write the rejected with reasons")
    .requiredOption("--in <path>", "trajectories file or collect output dir")
    .requiredOption("--out <file>", "kept trajectories (JSONL); rejected go to <out>.rejected.jsonl")
    .option(
      "--min-reward <r>",
      "one reward threshold for every env (default: each env's own; 1 for pass/fail tasks)",
      Number,
    )
    .option(
      "--rules <list>",
      `rules to apply, comma-separated (${filterRules.join(",")})`,
      filterRules.join(","),
    )
    .action(async (opts) => {
      const report = await filterTrajectories({
        input: opts.in,
        out: opts.out,
        minReward: opts.minReward,
        rules: parseRules(opts.rules),
      });
      process.stdout.write(`${formatFilterReport(report)}\n`);
    });
}
