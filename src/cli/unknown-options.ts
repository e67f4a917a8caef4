// commander reports a missing required option before an unknown one, so a typo of a required flag
// (`--modle oracle`) reads as "required option '--model' not specified". This names the typo first.
import type { Command } from "commander";

/** Before parsing: the first `--flag` that the command being run does not have, as commander words it. */
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
    if (known.has(flag)) continue;
    const near = closest(flag, [...known]);
    command.error(`error: unknown option '${flag}'${near ? `\n(Did you mean ${near}?)` : ""}`, {
      code: "commander.unknownOption",
    });
  }
}

/** The known flag within edit distance 2 (and under half the flag's length), if one is. */
function closest(flag: string, known: string[]): string | undefined {
  let best: { flag: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(flag.slice(2), candidate.slice(2));
    if (distance <= 2 && distance < (flag.length - 2) / 2 && (!best || distance < best.distance))
      best = { flag: candidate, distance };
  }
  return best?.flag;
}

/** Damerau-Levenshtein (optimal string alignment): a swapped pair counts one. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const row = d[i] as number[];
      const up = d[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((up[j] as number) + 1, (row[j - 1] as number) + 1, (up[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
    }
  return (d[a.length] as number[])[b.length] as number;
}
