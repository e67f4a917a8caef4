// `agenttune quickstart`: the whole chain offline, in a fresh output folder.
import type { Command } from "commander";
import { runQuickstart } from "../quickstart.js";
import { positiveInt } from "./options.js";

export function registerQuickstart(program: Command) {
  program
    .command("quickstart")
    .description("run the whole chain offline with the built-in oracle: generate → evaluate → results table")
    .option("--out <dir>", "output folder (default: agenttune-out/quickstart-<time>)")
    .option("--count <n>", "tasks per env (default: 22 db, 8 os)", positiveInt)
    .action(async (opts) => {
      await runQuickstart({ out: opts.out, count: opts.count });
    });
}
