// `agenttune decontam`: n-gram overlap between training data and eval tasks; contaminated records dropped.
import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { decontaminate, formatDecontamReport, parseEvalSources } from "../data/index.js";
import { positiveInt } from "./options.js";

export function registerDecontam(program: Command) {
  program
    .command("decontam")
    .description(
      "drop training records that share an n-gram with an evaluation task; report the rate per env",
    )
    .requiredOption("--train <path>", "training data: trajectories or AgentInstruct (file or dir)")
    .requiredOption("--eval <list>", "eval task files, comma-separated, each ENV=FILE (or FILE with --env)")
    .option("--env <name>", "env of eval files given without ENV=")
    .option("--n <n>", "n-gram size in words", positiveInt, 13)
    .option("--out <file>", "clean training records (trajectories JSONL)")
    .option("--report <file>", "write the report as JSON")
    .action(async (opts) => {
      const report = await decontaminate({
        train: opts.train,
        evals: parseEvalSources(opts.eval, opts.env),
        n: opts.n,
        out: opts.out,
      });
      if (opts.report) writeFileSync(opts.report, `${JSON.stringify(report, null, 2)}\n`);
      process.stdout.write(
        `${formatDecontamReport(report)}${opts.out ? `\nclean records → ${opts.out}` : ""}\n`,
      );
    });
}
