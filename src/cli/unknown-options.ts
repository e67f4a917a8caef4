// commander reports a missing required option before an unknown one, so a typo of a required flag
// (`--modle oracle`) reads as "required option '--model' not specified". This names the typo first.
import type { Command } from "commander";

/** commander's own report of an unknown option, with its "(Did you mean …?)" (lib/command.js unknownOption). */
type ReportsUnknownOption = Command & { unknownOption(flag: string): never };

/** Before parsing: the first `--flag` that the command being run does not have, as commander reports it. */
export function reportUnknownOptionFirst(program: Command, argv = process.argv.slice(2)): void {
  let command = program;
  let rest = argv;
  for (;;) {
    const name = rest[0];
    const sub = name && command.commands.find((c) => c.name() === name || c.aliases().includes(name));
    if (!sub) break;
    command = sub;
    rest = rest.slice(1);
  }
  if (command === program) return; // commander's own parse names unknown commands and options
  const known = new Set(["--help"]);
  for (let c: Command | null = command; c; c = c.parent)
    for (const option of c.options) if (option.long) known.add(option.long);
  for (const token of rest) {
    if (token === "--") return;
    if (!token.startsWith("--")) continue;
    const flag = token.split("=")[0] as string;
    if (!known.has(flag)) (command as ReportsUnknownOption).unknownOption(flag);
  }
}
