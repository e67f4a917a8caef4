// `agenttune dataset stats|convert`: inspect and convert training data.
import type { Command } from "commander";
import { InputError } from "../core/index.js";
import {
  convertActionFormat,
  datasetStats,
  exportAgentInstruct,
  formatDatasetStats,
  messagesToOpenAiChat,
  messagesToShareGpt,
  readDataset,
  sortTrajectories,
  writeOpenAiChat,
  writeShareGpt,
  writeTrajectories,
} from "../data/index.js";

const formats = ["agentinstruct", "sharegpt", "openai", "trajectories", "react", "tools"] as const;

export function registerDataset(program: Command) {
  const dataset = program.command("dataset").description("inspect and convert training data");
  dataset
    .command("stats")
    .description("counts per env, turns, approximate tokens, reward histogram")
    .argument("<path>", "trajectories or AgentInstruct (file or dir)")
    .option("--json", "print JSON")
    .action(async (path, opts) => {
      const stats = datasetStats(await readDataset(path));
      process.stdout.write(`${opts.json ? JSON.stringify(stats, null, 2) : formatDatasetStats(stats)}\n`);
    });
  dataset
    .command("convert")
    .description(
      `convert between ${formats.join(", ")} (react and tools: trajectories in that action format, ReAct text or function calls)`,
    )
    .requiredOption("--in <path>", "trajectories or AgentInstruct (file or dir)")
    .requiredOption("--to <format>", formats.join("|"))
    .requiredOption("--out <path>", "output file (a dir for agentinstruct: one split per env)")
    .action(async (opts) => {
      const records = sortTrajectories(await readDataset(opts.in));
      switch (opts.to) {
        case "agentinstruct": {
          const result = exportAgentInstruct(records, opts.out);
          const splits = Object.entries(result.splits).map(([env, s]) => `${env} ${s.records}`);
          process.stdout.write(`AgentInstruct: ${splits.join(", ")} → ${opts.out}/\n`);
          return;
        }
        case "sharegpt":
          writeShareGpt(
            opts.out,
            records.map((r) => messagesToShareGpt(r.messages, r.id, r.tools)),
          );
          break;
        case "openai":
          writeOpenAiChat(
            opts.out,
            records.map((r) => messagesToOpenAiChat(r.messages, r.tools)),
          );
          break;
        case "trajectories":
          writeTrajectories(opts.out, records);
          break;
        case "react":
        case "tools": {
          // the action format: ReAct text, or function calls on the env's actions
          const converted = records.map((r) => convertActionFormat(r, opts.to));
          const problems = converted.flatMap((c) => ("problem" in c ? [c.problem] : []));
          writeTrajectories(
            opts.out,
            converted.flatMap((c) => ("trajectory" in c ? [c.trajectory] : [])),
          );
          for (const problem of problems) process.stderr.write(`agenttune: not converted: ${problem}\n`);
          process.stdout.write(
            `${records.length - problems.length} of ${records.length} records → ${opts.out}\n`,
          );
          return;
        }
        default:
          throw new InputError(`--to "${opts.to}": expected one of ${formats.join(", ")}`);
      }
      process.stdout.write(`${records.length} records → ${opts.out}\n`);
    });
}
