// `agenttune record-mind2web`: records Mind2Web-format tasks from agenttune's own sites in Chromium.
import type { Command } from "commander";
import { recordMind2Web } from "../data/index.js";
import { positiveInt } from "./options.js";

export function registerRecord(program: Command) {
  program
    .command("record-mind2web")
    .description(
      "record Mind2Web-format tasks (cleaned HTML + candidates per step) from the WebShop, travel and settings sites in Chromium",
    )
    .requiredOption("--out <file>", "Mind2Web JSON file")
    .option("--count <n>", "tasks (a third per site)", positiveInt, 30)
    .option("--seed <n>", "seed", (v) => Number.parseInt(v, 10), 1)
    .action(async (opts) => {
      const r = await recordMind2Web(opts);
      process.stdout.write(`${r.tasks} tasks, ${r.steps} steps → ${opts.out}\n`);
    });
}
