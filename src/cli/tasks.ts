// `agenttune tasks generate`: make new verified tasks for an env.
import type { Command } from "commander";
import { resolveModel } from "../agent/index.js";
import { formatGenerateReport, generateTasksFile } from "../data/index.js";
import { getEnvSpec } from "../envs/index.js";
import { positiveInt } from "./options.js";

export function registerTasks(program: Command) {
  const tasks = program.command("tasks").description("work with task files");
  tasks
    .command("generate")
    .description("generate tasks; each is kept only if its oracle reaches reward 1 on the real backend")
    .requiredOption("--env <name>", "environment, e.g. db")
    .requiredOption("--count <n>", "tasks to keep", positiveInt)
    .requiredOption("--out <file>", "output JSONL in the env's task format")
    .option("--seed <n>", "random seed", (v) => Number.parseInt(v, 10), 1)
    .option("--model <spec>", "self-instruct: a model proposes the tasks")
    .option("--from <file>", "task derivation: build new tasks from the material of an existing task file")
    .option("--backend <spec>", "backend the oracle verifies on (db: sqlite, mariadb, mysql://…)")
    .option(
      "--near-duplicate <jaccard>",
      "drop tasks at least this similar (word 3-grams) to a kept one",
      Number,
      0.9,
    )
    .action(async (opts) => {
      const model = opts.model ? await resolveModel(opts.model, getEnvSpec(opts.env)) : undefined;
      const report = await generateTasksFile({
        ...opts,
        source: opts.from,
        model,
        dedup: { threshold: opts.nearDuplicate },
      });
      process.stdout.write(`${formatGenerateReport(report)}\n`);
      if (report.verified < opts.count) {
        process.stderr.write(`agenttune: only ${report.verified} of ${opts.count} tasks verified\n`);
        process.exitCode = 1;
      }
    });
}
