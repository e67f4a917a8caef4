// ReWOO's plan reading (algos/PWS.py): "Plan:" lines, "#En = Tool[input]" evidence lines, and the
// substitution of earlier evidence into a tool's input. Where PWS raises (a "#" line too short to
// index, an evidence line without "=", a plan without its #E), the question is retried, so these are
// reported as PlanError.

import { pythonSplitLines as splitLines } from "../lib/python-string.js";

export class PlanError extends Error {}

/** _parse_plans: every line that starts with "Plan:". */
export function parsePlans(response: string): string[] {
  return splitLines(response).filter((line) => line.startsWith("Plan:"));
}

/**
 * _parse_planner_evidences: "#E<digit>… = call" lines, in first-seen order (a Python dict: a repeated
 * key keeps its place and takes the new value). Keys longer than 3 characters (#E10) get "No evidence
 * found", as PWS does.
 */
export function parseEvidences(response: string): Map<string, string> {
  const evidences = new Map<string, string>();
  for (const line of splitLines(response)) {
    if (!line.startsWith("#")) continue;
    if (line.length < 3) throw new PlanError(`IndexError: "${line}" is too short for PWS's line[2]`);
    if (line[1] !== "E" || !/^\p{Nd}$/u.test(line[2] as string)) continue;
    const eq = line.indexOf("=");
    if (eq < 0) throw new PlanError(`ValueError: "${line}" has no "="`);
    const key = line.slice(0, eq).trim();
    const call = line.slice(eq + 1).trim();
    evidences.set(key, key.length === 3 ? call : "No evidence found");
  }
  return evidences;
}

/** A tool call as _get_worker_evidences splits it: text before the first "[", the rest minus its last character. */
export function splitToolCall(call: string): { tool: string; input: string } | undefined {
  const bracket = call.indexOf("[");
  if (bracket < 0) return undefined;
  return { tool: call.slice(0, bracket), input: call.slice(bracket + 1, -1) };
}

/** Each #En of the input that already has evidence is replaced by "[" + evidence + "]" (str.replace: all occurrences). */
export function substituteEvidence(input: string, evidence: ReadonlyMap<string, string>): string {
  let out = input;
  for (const variable of input.match(/#E\d+/g) ?? []) {
    const value = evidence.get(variable);
    if (value !== undefined) out = out.replaceAll(variable, `[${value}]`);
  }
  return out;
}

/** PWS.run's worker log: "{plan}\nEvidence:\n{#E(i+1)}\n" per plan; a plan without its #E raises. */
export function workerLog(plans: readonly string[], evidence: ReadonlyMap<string, string>): string {
  let log = "";
  for (const [i, plan] of plans.entries()) {
    const value = evidence.get(`#E${i + 1}`);
    if (value === undefined)
      throw new PlanError(`KeyError: '#E${i + 1}' (plan ${i + 1} has no evidence line)`);
    log += `${plan}\nEvidence:\n${value}\n`;
  }
  return log;
}
