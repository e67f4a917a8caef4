// What the export checks share: the check record, the role alternation every engine needs, and
// readers that report a bad file as a problem instead of throwing.
import { existsSync, readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";

export type CheckedTarget = "llamafactory" | "trl" | "openai";

export interface ExportCheck {
  target: CheckedTarget;
  /** The file the check started from (training config). */
  config: string;
  examples: number;
  /** Trained assistant turns (spans of trained tokens) over all examples. */
  trainedTurns: number;
  /** One line each: `file[:line]: what breaks`. Empty when the export is fine. */
  problems: string[];
}

export type Role = "system" | "user" | "assistant" | "tool";

/** The alternation every engine needs: optional system, then user/assistant turns, ending on assistant. */
export function alternationProblem(roles: readonly Role[]): string | undefined {
  const all = roles[0] === "system" ? roles.slice(1) : roles;
  // tool results answer the assistant turn before them; the assistant turn after continues that exchange
  const turns: Role[] = [];
  for (const [i, role] of all.entries()) {
    if (role !== "tool") {
      turns.push(role);
      continue;
    }
    const before = all[i - 1];
    if (before !== "assistant" && before !== "tool")
      return `turn ${i + 1} is a tool result that answers no assistant call`;
    if (before === "assistant") turns.pop();
  }
  if (turns.includes("system")) return "a system message after the first turn";
  if (turns.length === 0) return "no turns";
  for (const [i, role] of turns.entries())
    if (role !== (i % 2 === 0 ? "user" : "assistant"))
      return `turn ${i + 1} is ${role}: roles must alternate user/assistant, starting with user`;
  if (turns.at(-1) !== "assistant") return "ends on a user turn";
  return undefined;
}

export function readYaml(file: string, problems: string[]): Record<string, unknown> {
  try {
    const value = parseYaml(readFileSync(file, "utf8")) as unknown;
    if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
    problems.push(`${file}: not a YAML mapping`);
  } catch (error) {
    problems.push(`${file}: invalid YAML: ${(error as Error).message}`);
  }
  return {};
}

/** Records of a JSON array or JSONL file, each with its line (JSONL) or index (array) for messages. */
export function readRecordsLoose(file: string, problems: string[]): { where: string; value: unknown }[] {
  if (!existsSync(file)) {
    problems.push(`${file}: not found`);
    return [];
  }
  const text = readFileSync(file, "utf8");
  if (text.trimStart().startsWith("[")) {
    try {
      return (JSON.parse(text) as unknown[]).map((value, i) => ({ where: `${file}[${i}]`, value }));
    } catch (error) {
      problems.push(`${file}: invalid JSON: ${(error as Error).message}`);
      return [];
    }
  }
  const records = [];
  for (const [i, line] of text.split("\n").entries()) {
    if (line.trim() === "") continue;
    try {
      records.push({ where: `${file}:${i + 1}`, value: JSON.parse(line) as unknown });
    } catch (error) {
      problems.push(`${file}:${i + 1}: invalid JSON: ${(error as Error).message}`);
    }
  }
  return records;
}

export const str = (value: unknown) => (typeof value === "string" ? value : undefined);
