// `agenttune export --check DIR`: reads an export the way its engine will and lists what would break
// or silently train the wrong tokens, before hours of GPU time are spent. Each rule names the engine
// code it comes from.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../../core/index.js";
import type { ExportCheck } from "./check-common.js";
import { checkLlamaFactory } from "./check-llamafactory.js";
import { checkOpenAi } from "./check-openai.js";
import { checkTrl } from "./check-trl.js";

export { alternationProblem, type CheckedTarget, type ExportCheck } from "./check-common.js";

/** Checks every export found in `dir` (LLaMA-Factory train.yaml, trl_sft_config.yaml, openai.yaml). */
export function checkExport(dir: string): ExportCheck[] {
  if (!existsSync(dir)) throw new InputError(`--check ${dir}: not found`);
  const checks: ExportCheck[] = [];
  if (existsSync(join(dir, "train.yaml"))) checks.push(checkLlamaFactory(join(dir, "train.yaml")));
  if (existsSync(join(dir, "trl_sft_config.yaml"))) checks.push(checkTrl(join(dir, "trl_sft_config.yaml")));
  if (existsSync(join(dir, "openai.yaml"))) checks.push(checkOpenAi(join(dir, "openai.yaml")));
  if (checks.length === 0)
    throw new InputError(
      `--check ${dir}: no export found (expected train.yaml, trl_sft_config.yaml or openai.yaml from agenttune export)`,
    );
  return checks;
}

/** Lines for the terminal: one summary per export, then its problems (the first `limit`). */
export function formatExportChecks(checks: readonly ExportCheck[], limit = 20): string {
  const lines: string[] = [];
  for (const c of checks) {
    const verdict = c.problems.length === 0 ? "ok" : `${c.problems.length} problems`;
    lines.push(
      `${c.target}: ${c.examples} examples, ${c.trainedTurns} trained turns: ${verdict} (${c.config})`,
    );
    for (const p of c.problems.slice(0, limit)) lines.push(`  ${p}`);
    if (c.problems.length > limit) lines.push(`  … ${c.problems.length - limit} more`);
  }
  return lines.join("\n");
}
