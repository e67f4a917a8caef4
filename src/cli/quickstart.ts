// `agenttune quickstart`: the whole chain offline, in a fresh output folder.
import type { Command } from "commander";
import { runQuickstart } from "../quickstart.js";
import { positiveInt } from "./options.js";

export function registerQuickstart(program: Command) {
  program
    .command("quickstart")
    .description("run the whole chain offline with the built-in oracle: generate → evaluate → results table")
    .option("--out <dir>", "output folder (default: agenttune-out/quickstart-<time>)")
    .option("--count <n>", "db tasks to generate", positiveInt, 22)
    .action(async (opts) => {
      await runQuickstart({ out: opts.out, count: opts.count });
    });
}
