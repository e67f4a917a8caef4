// Reads the held-out tasks' original material from the user's AgentTuning checkout (THUDM/AgentTuning):
// eval_heldout/<task>/… Python sources and data files, never copied into agenttune.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../../core/index.js";
import { stringConstant } from "./agentbench/python-source.js";

/** The checkout's eval_heldout folder; `dir` may be the checkout or its eval_heldout itself. */
export function heldOutDir(dir: string): string {
  const nested = join(dir, "eval_heldout");
  if (existsSync(nested)) return nested;
  if (
    ["hotpotQA", "rewoo", "miniwob++", "science-world", "webarena"].some((task) =>
      existsSync(join(dir, task)),
    )
  )
    return dir;
  throw new InputError(
    `--agenttuning ${dir}: no eval_heldout/ folder (expected a THUDM/AgentTuning checkout)`,
  );
}

/** The string constant `name` of a Python file under eval_heldout/. */
export function heldOutString(dir: string, file: string, name: string): string {
  const path = join(heldOutDir(dir), file);
  let source: string;
  try {
    source = readFileSync(path, "utf8");
  } catch {
    throw new InputError(`${path}: missing from the AgentTuning checkout`);
  }
  const value = stringConstant(source, name);
  if (value === undefined)
    throw new InputError(`${path}: ${name} not found (is this checkout a modified AgentTuning?)`);
  return value;
}
