// `agenttune rationale`: a model writes the missing thoughts; actions stay byte-identical.
import type { Command } from "commander";
import { resolveModel } from "../agent/index.js";
import { addRationales, readTrajectories } from "../data/index.js";
import { getEnvSpec } from "../envs/index.js";

export function registerRationale(program: Command) {
  program
    .command("rationale")
    .description("write a Thought before each action that has none, keeping every action byte-identical")
    .requiredOption("--in <file>", "trajectories (JSONL)")
    .requiredOption("--model <spec>", "model that writes the thoughts")
    .option("--out <file>", "output trajectories (default: <in>.rationale.jsonl)")
    .option("--all", "rewrite the thought of every agent turn, not only missing ones")
    .action(async (opts) => {
      const [first] = await readTrajectories(opts.in);
      const model = await resolveModel(opts.model, getEnvSpec(first?.env ?? "db"));
      const out = opts.out ?? `${opts.in.replace(/\.jsonl$/, "")}.rationale.jsonl`;
      const report = await addRationales({ input: opts.in, out, model, all: opts.all });
      process.stdout.write(
        `${report.trajectories} trajectories: ${report.rewritten} thoughts written, ${report.skipped} kept, ${report.failed} failed (action kept as it was) → ${out}\n`,
      );
      const reasons = Object.entries(report.why).sort((a, b) => b[1] - a[1]);
      if (reasons.length > 0) {
        process.stdout.write(`why turns failed: ${reasons.map(([why, n]) => `${why} ×${n}`).join("; ")}\n`);
        process.stdout.write(`a refused reply: ${JSON.stringify(report.example)}\n`);
      }
    });
}
