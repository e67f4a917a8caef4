// dbbench scoring as AgentBench computes it: answer lists vs `label`, table hashes vs `answer_md5`.
import { type PyValue, parsePythonLiteral } from "./python-literal.js";

/**
 * AgentBench evaluates the text after "Final Answer:" with Python's eval and list(); when that fails,
 * the raw text is the single answer. (list() of a string gives its characters, as in Python.)
 */
export function answerItems(answerText: string): PyValue[] {
  let value: PyValue;
  try {
    value = parsePythonLiteral(answerText);
  } catch {
    return [answerText];
  }
  if (Array.isArray(value)) return value;
  if (typeof value === "string") return [...value];
  return [answerText]; // list(5) raises TypeError in Python: the raw text stands
}

/** Single values compare as floats when both parse, else as strings; several values compare as sets. */
export function selectAnswerCorrect(answerText: string, label: readonly unknown[]): boolean {
  const answer = answerItems(answerText);
  if (answer.length === 1 && label.length === 1) {
    const a = pythonFloat(answer[0]);
    const b = pythonFloat(label[0]);
    if (a !== undefined && b !== undefined) return a === b;
    return pyKey(answer[0]) === pyKey(label[0]);
  }
  const want = new Set(label.map(pyKey));
  const got = new Set(answer.map(pyKey));
  return want.size === got.size && [...want].every((k) => got.has(k));
}

/** Python's float(x) for str/int/float, undefined where it raises. */
function pythonFloat(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value !== "string") return undefined;
  const text = value.trim().replaceAll("_", "");
  if (/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(text)) return Number(text);
  if (/^[-+]?(inf|infinity)$/i.test(text)) return text.startsWith("-") ? -Infinity : Infinity;
  if (/^[-+]?nan$/i.test(text)) return Number.NaN;
  return undefined;
}

/** Equality key with Python's semantics: 1 == 1.0 but 1 != "1". */
function pyKey(value: unknown): string {
  if (typeof value === "number" || typeof value === "boolean") return `n:${Number(value)}`;
  if (typeof value === "string") return `s:${value}`;
  return `j:${JSON.stringify(value)}`;
}
